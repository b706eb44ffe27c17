using System.Text.Json;
using Lockstep.Primitives;
using Lockstep.Settlement;

namespace Lockstep.Verifier.Tests;

/// <summary>The replica RPC: standard reads answer like the sequencer's rollup, writes are refused, verdicts are served.</summary>
public class VerifierRpcTests
{
    [Fact]
    public async Task Replicas_serve_reads_equal_to_the_sequencers_refuse_writes_and_report_verdicts()
    {
        await using FraudHarness h = await FraudHarness.StartAsync();
        h.Build(burns: 2);
        await h.PostAsync();
        await using SetVerifier v = h.NewVerifier();
        await v.SyncAsync();
        await using VerifierRpc rpc = await VerifierRpc.StartAsync(v, 0);
        Assert.Equal(2, rpc.Urls.Count);
        for (int r = 0; r < 2; r++)
        {
            using var client = new JsonRpcL1Client(rpc.Urls[r]);
            Assert.Equal(FraudHarness.ChainIds[r], await client.GetChainIdAsync());
            Assert.Equal(1UL, await client.GetBlockNumberAsync());
            foreach (var account in FraudHarness.Accounts.Skip(3))
            {
                JsonElement balance = await client.RequestAsync("eth_getBalance", [account.Address.ToString(), "latest"]);
                // The sequencer's own state for the same account: bridged and transferred amounts included.
                UInt256 expected = h.Set.Chains[r].OpenStateReader(h.Set.Chains[r].Head).TryGetAccount(account.Address, out var a) ? a.Balance : UInt256.Zero;
                Assert.Equal(expected, UInt256.Parse(balance.GetString()!));
            }
            JsonElement block = await client.RequestAsync("eth_getBlockByNumber", ["0x1", false]);
            Assert.Equal(h.Set.Chains[r].Head.Hash.ToString(), block.GetProperty("hash").GetString());
            L1Exception e = await Assert.ThrowsAsync<L1Exception>(() => client.SendRawTransactionAsync([0x02, 0xc0]));
            Assert.Contains(VerifierRpc.ReadOnlyMessage, e.Message);
            JsonElement status = await client.RequestAsync("lockstep_verifierStatus", []);
            Assert.Equal(1, status.GetProperty("verifiedSuperbatches").GetInt32());
            Assert.Equal("ok", status.GetProperty("verdicts")[0].GetProperty("verdict").GetString());
            Assert.Equal(JsonValueKind.Null, status.GetProperty("halted").ValueKind);
        }
    }
}

/// <summary>Geneses handed to <c>lockstep verify</c> as geth JSON give the same block 0 (hash = every header field and the state root).</summary>
public class GenesisJsonTests
{
    [Fact]
    public void Geth_JSON_round_trip_keeps_the_genesis_block()
    {
        foreach (Lockstep.Chain.Genesis g in FraudHarness.Geneses())
        {
            Lockstep.Chain.Genesis back = Lockstep.Chain.Genesis.FromJson(GenesisJson.Write(g));
            Assert.Equal(g.ChainId, back.ChainId);
            Assert.Equal(g.CreateBlock(new Lockstep.State.WorldState()).Hash, back.CreateBlock(new Lockstep.State.WorldState()).Hash);
        }
    }
}
