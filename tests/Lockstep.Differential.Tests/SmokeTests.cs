namespace Lockstep.Differential.Tests;

public class SmokeTests
{
    [Fact]
    public async Task SimpleStore()
    {
        byte[] code = new Asm().SStore(1, 0x42).MStore(0, 7).Return(0, 32).Build();
        Outcome o = await Differ.AssertAgreeAsync(DiffCase.Call("simple store", code));
        Assert.Equal(OutcomeKind.Success, o.Kind);
    }
}
