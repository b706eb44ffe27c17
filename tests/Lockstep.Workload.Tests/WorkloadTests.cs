using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.SystemContracts;
using Lockstep.Transactions;

namespace Lockstep.Workload.Tests;

/// <summary>The workload: mix parsing, and the generated transactions checked after decoding them back.</summary>
public sealed class WorkloadTests
{
    [Fact]
    public void Mix_parses_the_documented_form_and_refuses_bad_input()
    {
        Assert.Equal(new WorkloadMix(50, 20, 20, 10), WorkloadMix.Parse("plain=50,erc20=20,cross=20,failing=10"));
        Assert.Equal(new WorkloadMix(70, 30, 0, 0), WorkloadMix.Parse(" erc20 = 30 , plain=70"));
        Assert.Equal("plain=50,erc20=20,cross=20,failing=10", WorkloadMix.Default.ToString());
        foreach (string bad in new[] { "plain=50", "plain=50,erc20=60", "plain=100,bogus=0", "plain=-1,erc20=101", "plain", "plain=50,plain=50", "plain=x" })
            Assert.Throws<ArgumentException>(() => WorkloadMix.Parse(bad));
    }

    [Fact]
    public void Generated_transactions_decode_to_their_senders_kinds_and_ascending_nonces()
    {
        IReadOnlyList<DevAccount> accounts = DevAccounts.Derive(DevAccounts.TestMnemonic, 6);
        // anvil's and Hardhat's first two dev accounts (published with the test mnemonic): an independent check of the keys.
        Assert.Equal(Address.FromHex("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"), accounts[0].Address);
        Assert.Equal(Address.FromHex("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"), accounts[1].Address);
        ulong[] chains = [901, 902, 903];
        Workload w = WorkloadGenerator.Create(new WorkloadSpec
        {
            ChainIds = chains, Honest = [.. accounts.Take(4)], Adversaries = [.. accounts.Skip(4)], Transactions = 1000,
            Mix = WorkloadMix.Default, Token = SystemAddresses.CrossRollupToken, FirstNonce = WorkloadGenerator.DevnetFirstNonce(3),
        });
        Assert.Equal(900, w.Honest.Count);
        Assert.Equal(100, w.FailingCount);
        Assert.Equal(2, w.FailingLanes.Count);

        var kinds = new Dictionary<WorkloadKind, int>();
        var nextNonce = new Dictionary<(int, Address), ulong>();
        var hashes = new HashSet<Hash256>();
        foreach (PreparedTransaction p in w.Honest)
        {
            Transaction tx = TransactionDecoder.DecodeUser(p.Raw);
            Assert.True(tx.TryRecoverSender(chains[p.Rollup], out Address sender, out _));
            Assert.Equal(p.Sender, sender);
            Assert.Equal(new UInt256(chains[p.Rollup]), tx.ChainId);
            Assert.Equal(p.Hash, tx.Hash);
            Assert.True(hashes.Add(p.Hash));
            // Nonces ascend without gaps per (rollup, sender), from 2 on rollup 0 (after the two setup burns) and 0 elsewhere.
            ulong expected = nextNonce.TryGetValue((p.Rollup, sender), out ulong n) ? n : p.Rollup == 0 ? 2UL : 0UL;
            Assert.Equal(expected, tx.Nonce);
            nextNonce[(p.Rollup, sender)] = expected + 1;
            kinds[p.Kind] = kinds.GetValueOrDefault(p.Kind) + 1;
            byte[] data = tx.Data.ToArray();
            switch (p.Kind)
            {
                case WorkloadKind.Plain: Assert.Empty(data); Assert.Equal(UInt256.One, tx.Value); break;
                // ERC20 transfer(address,uint256) is 0xa9059cbb (EIP-20's well-known selector).
                case WorkloadKind.Erc20: Assert.Equal("a9059cbb", Convert.ToHexStringLower(data, 0, 4)); Assert.Equal(SystemAddresses.CrossRollupToken, tx.To); break;
                case WorkloadKind.CrossBurn: Assert.Equal(SystemAddresses.MintBurn, tx.To); break;
                case WorkloadKind.CrossCall: Assert.Equal(SystemAddresses.Messenger, tx.To); break;
                default: Assert.Fail($"unexpected kind {p.Kind}"); break;
            }
        }
        Assert.Equal(500, kinds[WorkloadKind.Plain]);
        Assert.Equal(200, kinds[WorkloadKind.Erc20]);
        Assert.Equal(100, kinds[WorkloadKind.CrossBurn]);
        Assert.Equal(100, kinds[WorkloadKind.CrossCall]);
        // Failing lanes: one adversary each, every attempt at nonce 0 with its own hash.
        foreach (IReadOnlyList<PreparedTransaction> lane in w.FailingLanes)
            foreach (PreparedTransaction p in lane)
            {
                Assert.Equal(0UL, p.Nonce);
                Assert.Equal(lane[0].Sender, p.Sender);
                Assert.True(hashes.Add(p.Hash));
            }
    }

    [Fact]
    public void Percentile_is_nearest_rank()
    {
        double[] values = [.. Enumerable.Range(1, 100).Select(i => (double)i)];
        Assert.Equal(50, LoadDriver.Percentile(values, 0.50));
        Assert.Equal(99, LoadDriver.Percentile(values, 0.99));
        Assert.Equal(100, LoadDriver.Percentile(values, 1.0));
        Assert.True(double.IsNaN(LoadDriver.Percentile([], 0.5)));
    }
}
