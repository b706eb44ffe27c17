using Lockstep.Primitives;
using Lockstep.State;
using static Lockstep.Differential.Tests.Op;

namespace Lockstep.Differential.Tests;

/// <summary>The comparison itself: it must notice differences, and its state root must be the real one.</summary>
public class HarnessTests
{
    private static readonly byte[] Code = new Asm().SStore(1, 2).Push(0).Push(0).Ops(LOG0).Build();

    [Fact]
    public async Task ReportsStateDifferences()
    {
        DiffCase a = DiffCase.Call("a", Code, storage: new() { [new UInt256(9)] = new UInt256(1) });
        DiffCase b = DiffCase.Call("b", Code, storage: new() { [new UInt256(9)] = new UInt256(2) });
        Outcome theirs = await NethereumRunner.RunAsync(b);
        Outcome ours = LockstepRunner.Run(a, new Dictionary<Address, IEnumerable<UInt256>> { [DiffCase.Target] = [UInt256.One, new UInt256(9)] });
        List<string> diff = Outcome.Diff(ours, theirs);
        Assert.Contains(diff, d => d.StartsWith("state root"));
        Assert.Contains(diff, d => d.Contains("[0x09]: ours=0x01 nethereum=0x02"));
        Assert.DoesNotContain(diff, d => d.StartsWith("gas used"));
    }

    [Fact]
    public async Task ReportsGasStatusAndLogDifferences()
    {
        DiffCase a = DiffCase.Call("a", Code);
        DiffCase b = DiffCase.Call("b", new Asm().SStore(1, 2).Revert(0, 0).Build());
        List<string> diff = Outcome.Diff(LockstepRunner.Run(a), await NethereumRunner.RunAsync(b));
        Assert.Contains(diff, d => d.StartsWith("status"));
        Assert.Contains(diff, d => d.StartsWith("gas used"));
        Assert.Contains(diff, d => d.StartsWith("log count"));
    }

    /// <summary>
    /// The root the harness computes for Nethereum's accounts (our SecureTrie, built in the test) equals the root
    /// WorldState computes for the same accounts, on the pre-states of many random cases.
    /// </summary>
    [Fact]
    public void ComputedRootMatchesWorldStateRoot()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            DiffCase c = RandomProgramGenerator.Case(seed);
            var state = new WorldState();
            var dumps = new SortedDictionary<Address, AccountDump>();
            foreach ((Address address, PreAccount a) in c.Pre)
            {
                state.SetAccount(address, a.Nonce, a.Balance, a.Code, a.Storage);
                dumps[address] = new AccountDump { Nonce = a.Nonce, Balance = a.Balance, Code = a.Code, Storage = new(a.Storage) };
            }
            state.CommitTransaction();
            Assert.Equal(state.ComputeStateRoot(), Outcome.ComputeRoot(dumps));
        }
    }
}
