namespace Lockstep.ClientTests;

/// <summary>
/// The scripts of <see cref="ClientScriptTests"/> against `lockstep node` (a fresh data dir per test), each followed
/// by chain-check.mjs on the chain it left behind and replay-check.mjs, which replays every block on anvil (revm) and
/// requires the same state, receipts and transactions roots: an independent recomputation of the whole chain.
/// </summary>
public sealed class LockstepScriptTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "lockstep-client-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("ethers-dapp.mjs")]
    [InlineData("viem-dapp.mjs")]
    [InlineData("cast.mjs")]
    public void Script_passes_against_lockstep_node(string script)
    {
        using var node = NodeProcess.StartLockstep(_dataDir);
        AssertScriptAndChainPass(node, script);
    }

    /// <summary>`--block-time 0.5`: receipts and heads arrive on the producer's interval, not with the send.</summary>
    [Theory]
    [InlineData("ethers-dapp.mjs")]
    [InlineData("viem-dapp.mjs")]
    public void Script_passes_against_lockstep_node_with_interval_blocks(string script)
    {
        using var node = NodeProcess.StartLockstep(_dataDir, "--block-time", "0.5");
        AssertScriptAndChainPass(node, script);
    }

    /// <summary><paramref name="script"/> passes, then chain-check.mjs and replay-check.mjs on the chain it left behind.</summary>
    private static void AssertScriptAndChainPass(NodeProcess node, string script)
    {
        ScriptRunner.AssertPasses(node, script, node.Url, node.WsUrl);
        ScriptRunner.AssertPasses(node, "chain-check.mjs", node.Url);
        ScriptRunner.AssertPasses(node, "replay-check.mjs", node.Url);
    }

    /// <summary>Pending visibility and replacement by fee, with 2 s blocks so transactions stay pending.</summary>
    [Fact]
    public void Pending_pool_script_passes_against_lockstep_node()
    {
        using var node = NodeProcess.StartLockstep(_dataDir, "--block-time", "2");
        ScriptRunner.AssertPasses(node, "ethers-pending.mjs", node.Url);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }
}
