using System.Text;
using System.Text.Json;
using Lockstep.Chain;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Storage;
using Lockstep.TxPool;

namespace Lockstep.Rpc.Tests;

/// <summary>Several chains in one process on their own ports; extra modules; admin methods refused to remote clients.</summary>
public sealed class MultiChainTests
{
    private static (RollupChain Chain, RpcDispatcher Dispatcher, RpcServer Server) Serve(ulong chainId)
    {
        var chain = new RollupChain(new MemoryKeyValueStore(), DevGenesis.Create(chainId, TestNode.Accounts.Select(a => a.Address)), new TxPoolOptions { ChainId = chainId });
        var options = new RpcServerOptions { Port = 0 };
        var dispatcher = new RpcDispatcher(options);
        new EthModule(chain, options).Register(dispatcher);
        return (chain, dispatcher, new RpcServer(dispatcher));
    }

    [Fact]
    public async Task Two_chains_in_one_process_answer_on_their_own_ports()
    {
        var (chainA, dispatcherA, serverA) = Serve(901);
        var (chainB, _, serverB) = Serve(902);
        using var producerA = new BlockProducer(chainA);
        producerA.Start();
        // A module registers its own method on one chain's dispatcher (how the sequencer adds lockstep_* methods).
        dispatcherA.Register("lockstep_chainName", (_, w) => w.WriteStringValue("rollup-a"));
        await serverA.StartAsync();
        await serverB.StartAsync();
        try
        {
            Assert.NotEqual(serverA.Url.Port, serverB.Url.Port);
            using var a = new RpcTestClient(serverA.Url);
            using var b = new RpcTestClient(serverB.Url);
            Assert.Equal(901UL, (await a.Call("eth_chainId")).U64());
            Assert.Equal(902UL, (await b.Call("eth_chainId")).U64());
            Assert.Equal("rollup-a", (await a.Call("lockstep_chainName")).GetString());
            Assert.Equal(-32601, (await b.Fails("lockstep_chainName")).Code);

            var tx = new Transactions.Transaction
            {
                Type = Transactions.TxType.DynamicFee, ChainId = 901, Nonce = 0, MaxFeePerGas = 10_000_000_000, MaxPriorityFeePerGas = 1,
                GasLimit = 21000, To = Address.FromNumber(7), Value = 1,
            }.Sign(TestNode.Accounts[0].PrivateKey);
            string hash = (await a.Call("eth_sendRawTransaction", Hex.Encode(tx.Encode()))).GetString()!;
            for (int i = 0; i < 200 && (await a.Call("eth_getTransactionReceipt", hash)).ValueKind == JsonValueKind.Null; i++) await Task.Delay(25);
            Assert.Equal(1UL, (await a.Call("eth_blockNumber")).U64());
            Assert.Equal(0UL, (await b.Call("eth_blockNumber")).U64());
            // The same signed bytes are for chain 901: chain 902 refuses them (EIP-155 replay protection).
            Assert.Contains("chain id", (await b.Fails("eth_sendRawTransaction", Hex.Encode(tx.Encode()))).RpcMessage);
        }
        finally
        {
            await serverA.StopAsync();
            await serverB.StopAsync();
            chainA.Dispose();
            chainB.Dispose();
        }
    }

    [Fact]
    public void Admin_methods_are_refused_to_remote_clients()
    {
        var chain = new RollupChain(new MemoryKeyValueStore(), DevGenesis.Create(31337, []), new TxPoolOptions { ChainId = 31337 });
        using var producer = new BlockProducer(chain, new ProducerOptions { Mode = ProductionMode.Manual });
        var dispatcher = new RpcDispatcher(new RpcServerOptions());
        new AdminModule(producer).Register(dispatcher);
        byte[] request = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"evm_mine"}""");
        using (JsonDocument remote = JsonDocument.Parse(dispatcher.Process(request, null, fromLoopback: false)!))
            Assert.Equal(-32601, remote.RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(0UL, chain.Head.Number);
        using (JsonDocument local = JsonDocument.Parse(dispatcher.Process(request, null, fromLoopback: true)!))
            Assert.Equal("0x0", local.RootElement.GetProperty("result").GetString());
        Assert.Equal(1UL, chain.Head.Number);
    }
}
