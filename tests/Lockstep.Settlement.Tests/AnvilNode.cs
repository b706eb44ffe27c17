using System.Diagnostics;
using Lockstep.L1Contracts;
using Lockstep.Primitives;
using Lockstep.Testing;

namespace Lockstep.Settlement.Tests;

/// <summary>anvil 1.7.1 from npm on a free loopback port: a real L1 node with another EVM (revm) and mempool.</summary>
internal sealed class AnvilNode : IDisposable
{
    private readonly Process _process;

    /// <summary>anvil's dev accounts 0 and 1 (the standard test mnemonic), with their keys (printed by anvil).</summary>
    public static readonly Address Deployer = Address.FromHex("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    public static readonly byte[] SequencerKey = Hex.Decode("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    public static readonly Address Sequencer = Address.FromHex("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    public static readonly Address Outsider = Address.FromHex("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
    /// <summary>Dev account 2 of the same mnemonic (BIP-44 index 2), derived by our DevAccounts.</summary>
    public static readonly byte[] OutsiderKey = Lockstep.Node.DevAccounts.Derive(Lockstep.Node.DevAccounts.TestMnemonic, 3)[2].PrivateKey;

    public Uri Url { get; }
    public JsonRpcL1Client Client { get; }

    public AnvilNode(int port = 0, params string[] extraArgs)
    {
        (_process, Url) = AnvilLauncher.Start(port, extraArgs);
        Client = new JsonRpcL1Client(Url);
    }

    /// <summary>eth_sendTransaction from an unlocked anvil account, waiting for the receipt.</summary>
    public L1Receipt Send(Address from, Address? to, byte[] data, UInt256 value = default)
    {
        var tx = new Dictionary<string, string> { ["from"] = from.ToString(), ["data"] = Hex.Encode(data), ["gas"] = "0x1c9c380", ["value"] = "0x" + (value.IsZero ? "0" : Convert.ToHexString(value.ToBigEndianTrimmed()).TrimStart('0')) };
        if (to is Address t) tx["to"] = t.ToString();
        Hash256 hash = Hash256.FromHex(Client.RequestAsync("eth_sendTransaction", [tx]).GetAwaiter().GetResult().GetString()!);
        for (int i = 0; i < 200; i++)
        {
            L1Receipt? r = Client.GetReceiptAsync(hash).GetAwaiter().GetResult();
            if (r is not null) return r;
            Thread.Sleep(25);
        }
        throw new InvalidOperationException("no receipt for " + hash);
    }

    /// <summary>Deploys registry, inbox (challenge window <paramref name="window"/> s), bridge; bonds <see cref="Sequencer"/>.</summary>
    public (Address Registry, Address Inbox, Address Bridge) DeployL1(IReadOnlyList<ulong> chainIds, ulong window = 3600)
    {
        Address Deploy(string name, byte[] args)
        {
            L1Receipt r = Send(Deployer, null, [.. ContractArtifact.Load(name).Bytecode, .. args]);
            Assert.True(r.Succeeded, name);
            JsonElementAddress(r.TransactionHash, out Address a);
            return a;
        }
        UInt256 bond = UInt256.Parse("1000000000000000000");
        Address registry = Deploy("L1SequencerRegistry", SequencerRegistry.EncodeConstructorArgs(bond, window, 1000, 5000));
        Address inbox = Deploy("L1SharedInbox", new SharedInboxConfig(registry, chainIds, window).EncodeConstructorArgs());
        Address bridge = Deploy("L1Bridge", Bridge.EncodeConstructorArgs(inbox, Address.FromNumber(0x1005), new UInt256(3)));
        Assert.True(Send(Deployer, registry, SequencerRegistry.SetInbox(inbox)).Succeeded);
        Assert.True(Send(Deployer, inbox, SharedInbox.SetDepositQueue(bridge)).Succeeded);
        Assert.True(Send(Sequencer, registry, SequencerRegistry.Bond(), bond).Succeeded);
        return (registry, inbox, bridge);
    }

    /// <summary>anvil_dumpState: the chain's state (accounts, code, storage, blocks) as anvil_loadState takes it; not the mempool.</summary>
    public async Task<string> DumpStateAsync() => (await Client.RequestAsync("anvil_dumpState", [])).GetString()!;

    /// <summary>A new anvil on <paramref name="port"/> (where a stopped one listened) loaded with <paramref name="state"/>.</summary>
    public static async Task<AnvilNode> RestartAsync(int port, string state)
    {
        var anvil = new AnvilNode(port);
        Assert.True((await anvil.Client.RequestAsync("anvil_loadState", [state])).GetBoolean());
        return anvil;
    }

    private void JsonElementAddress(Hash256 tx, out Address address) =>
        address = Address.FromHex(Client.RequestAsync("eth_getTransactionReceipt", [tx.ToString()]).GetAwaiter().GetResult().GetProperty("contractAddress").GetString()!);

    public void Dispose()
    {
        AnvilLauncher.Stop(_process);
        Client.Dispose();
    }
}
