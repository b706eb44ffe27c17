using System.Diagnostics;
using System.Text.Json;
using Lockstep.Primitives;
using Lockstep.Testing;
using Lockstep.Transactions;
using static Lockstep.TxPool.Tests.PoolKit;

namespace Lockstep.TxPool.Tests;

/// <summary>
/// The pool's messages as ethers v6 (tools/node_modules, the client wallets and dapps use) classifies them: the
/// errors a wallet reacts to map to ethers' codes, and no other refusal is mistaken for one of them.
/// </summary>
public sealed class EthersClassificationTests
{
    [Fact]
    public void EthersReadsOurMessagesAsTheRightErrorCodes()
    {
        var state = Funded(3);
        state.Set(AddressOf(Key(1)), 5, Ether);
        state.Set(AddressOf(Key(2)), 0, Gwei); // too poor for any transfer at 2 gwei
        var pool = Pool(state, new TxPoolOptions { ChainId = ChainId, MaxNonceGap = 2, MinPriorityFee = 1 });
        Assert.True(pool.Add(Dyn(Key(0), 0, Gwei, Gwei * 2)).Accepted);

        // (result, the refusal it must be, the code ethers must give its message).
        // UNKNOWN_ERROR: ethers passes the message through without mistaking it for one it acts on.
        var cases = new List<(TxPoolResult Result, TxPoolError Error, string Code)>
        {
            (pool.Add(Dyn(Key(2), 0, Gwei, Gwei * 2)), TxPoolError.InsufficientFunds, "INSUFFICIENT_FUNDS"),
            (pool.Add(Dyn(Key(1), 4, Gwei, Gwei * 2)), TxPoolError.NonceTooLow, "NONCE_EXPIRED"),
            (pool.Add(Dyn(Key(0), 0, Gwei, Gwei * 2, value: 1)), TxPoolError.ReplacementUnderpriced, "REPLACEMENT_UNDERPRICED"),
            (pool.Add(Legacy(Key(0), 1, Gwei * 2, chainId: null)), TxPoolError.NotReplayProtected, "UNSUPPORTED_OPERATION"),
            (pool.Add(Dyn(Key(0), 0, Gwei, Gwei * 2)), TxPoolError.AlreadyKnown, "UNKNOWN_ERROR"),
            (pool.Add(Dyn(Key(1), 9, Gwei, Gwei * 2)), TxPoolError.NonceGapTooLarge, "UNKNOWN_ERROR"),
            (pool.Add(Dyn(Key(0), 1, Gwei, Gwei * 2, gas: 20_000)), TxPoolError.IntrinsicGasTooLow, "UNKNOWN_ERROR"),
            (pool.Add(Dyn(Key(0), 1, 0, Gwei * 2)), TxPoolError.Underpriced, "UNKNOWN_ERROR"),
            (pool.Add(Dyn(Key(0), 1, 1, Gwei / 2)), TxPoolError.FeeCapBelowBaseFee, "UNKNOWN_ERROR"),
            (pool.Add(Dyn(Key(0), 1, Gwei, Gwei * 2, chainId: 1)), TxPoolError.WrongChainId, "UNKNOWN_ERROR"),
            (pool.Add(Dyn(Key(0), 1, Gwei, Gwei * 2, gas: 40_000_000)), TxPoolError.GasLimitExceedsBlock, "UNKNOWN_ERROR"),
            (pool.Add(Hex.Decode("0x7fc0")), TxPoolError.TypeNotSupported, "UNKNOWN_ERROR"),
        };
        foreach ((TxPoolResult result, TxPoolError error, _) in cases) Assert.Equal(error, result.Error);

        string input = string.Join("\n", cases.ConvertAll(c => JsonSerializer.Serialize(c.Result.Message))) + "\n";
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(RepoPaths.Root, "tests", "Lockstep.TxPool.Tests", "ethers-errors.cjs"));
        psi.ArgumentList.Add(RepoPaths.Root);
        using Process node = Process.Start(psi)!;
        node.StandardInput.Write(input);
        node.StandardInput.Close();
        string stdout = node.StandardOutput.ReadToEnd();
        string stderr = node.StandardError.ReadToEnd();
        Assert.True(node.WaitForExit(60_000), "node did not finish");
        Assert.True(node.ExitCode == 0, stderr);

        string[] codes = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(cases.Count, codes.Length);
        for (int i = 0; i < cases.Count; i++) Assert.True(cases[i].Code == codes[i], $"'{cases[i].Result.Message}': ethers says {codes[i]}, expected {cases[i].Code}");
    }
}
