namespace Lockstep.ClientTests;

/// <summary>
/// Issue 3, "What it must show": ethers v6, viem and cast drive the node as a dapp would. Every script runs against
/// anvil too: anvil passing proves the script's expectations are Ethereum's, not ours; lockstep passing proves the
/// node meets them.
/// </summary>
public sealed class ClientScriptTests
{
    [Theory]
    [InlineData("ethers-dapp.mjs")]
    [InlineData("viem-dapp.mjs")]
    [InlineData("cast.mjs")]
    public void Script_passes_against_anvil(string script)
    {
        using var anvil = NodeProcess.StartAnvil();
        ScriptRunner.AssertPasses(anvil, script, anvil.Url, anvil.WsUrl);
        // The chain the script left behind is whole and its transfers add up (checker validated on anvil too).
        ScriptRunner.AssertPasses(anvil, "chain-check.mjs", anvil.Url);
    }

    /// <summary>Blocks on an interval instead of per transaction: receipts and heads arrive later than the send.</summary>
    [Theory]
    [InlineData("ethers-dapp.mjs")]
    [InlineData("viem-dapp.mjs")]
    public void Script_passes_against_anvil_with_interval_blocks(string script)
    {
        using var anvil = NodeProcess.StartAnvil("--block-time", "1");
        ScriptRunner.AssertPasses(anvil, script, anvil.Url, anvil.WsUrl);
    }

    /// <summary>The pool as a wallet sees it (pending visibility, replacement by fee) needs blocks slow enough to look.</summary>
    [Fact]
    public void Pending_pool_script_passes_against_anvil()
    {
        using var anvil = NodeProcess.StartAnvil("--block-time", "2");
        ScriptRunner.AssertPasses(anvil, "ethers-pending.mjs", anvil.Url);
    }
}
