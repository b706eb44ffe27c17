using System.Text.Json;
using Lockstep.Node;
using Lockstep.Rpc;

namespace Lockstep.Verifier;

/// <summary>
/// Read-only JSON-RPC over the verifier's replicas (issue 6: how reads scale out): one server per followed rollup with
/// the standard <c>eth_*</c>/<c>net_*</c>/<c>web3_*</c> reads of <see cref="EthModule"/>, <c>eth_sendRawTransaction</c>
/// refused with a clear error (a replica has no sequencer behind it), and <c>lockstep_verifierStatus</c> (progress and
/// verdicts) on every server. When the verifier re-derives its replicas (after a rejection) the servers switch to the
/// new ones without restarting.
/// </summary>
public sealed class VerifierRpc : IAsyncDisposable
{
    /// <summary>The error message of <c>eth_sendRawTransaction</c> on a replica.</summary>
    public const string ReadOnlyMessage = "read-only verifier replica: send transactions to the sequencer's RPC";

    private static readonly string[] WriteMethods = ["eth_sendRawTransaction", "eth_sendTransaction", "eth_sign", "eth_signTransaction"];
    private readonly SetVerifier _verifier;
    private readonly RpcServerOptions[] _options;
    private readonly RpcServer[] _servers;
    private volatile RpcDispatcher[] _inner;
    private List<EthModule> _modules = new();

    private VerifierRpc(SetVerifier verifier, RpcServerOptions[] options)
    {
        _verifier = verifier;
        _options = options;
        _inner = BuildInner();
        _servers = new RpcServer[options.Length];
        for (int i = 0; i < options.Length; i++)
        {
            var outer = new RpcDispatcher(options[i]);
            int rollup = i;
            foreach (string method in _inner[i].Methods)
            {
                string m = method;
                outer.Register(m, (call, w) => (_inner[rollup].GetHandler(m) ?? throw new RpcException(RpcErrorCodes.MethodNotFound, $"method {m} not found"))(call, w));
            }
            foreach (string m in WriteMethods) outer.Register(m, (_, _) => throw new RpcException(RpcErrorCodes.Server, ReadOnlyMessage));
            outer.Register("lockstep_verifierStatus", WriteStatus);
            _servers[i] = new RpcServer(outer);
        }
        verifier.ReplicasReset += _ =>
        {
            List<EthModule> old = _modules;
            _inner = BuildInner();
            foreach (EthModule m in old) m.Dispose();
        };
    }

    /// <summary>The URL of each rollup's server, in set order.</summary>
    public IReadOnlyList<Uri> Urls => Array.ConvertAll(_servers, s => s.Url);

    /// <summary>Starts one server per rollup of <paramref name="verifier"/> on <paramref name="firstPort"/>, +1, ... (0: free ports).</summary>
    public static async Task<VerifierRpc> StartAsync(SetVerifier verifier, int firstPort, CancellationToken cancel = default)
    {
        var options = new RpcServerOptions[verifier.ChainIds.Count];
        for (int i = 0; i < options.Length; i++) options[i] = new RpcServerOptions { Port = firstPort == 0 ? 0 : firstPort + i };
        var rpc = new VerifierRpc(verifier, options);
        try
        {
            foreach (RpcServer s in rpc._servers) await s.StartAsync(cancel).ConfigureAwait(false);
        }
        catch
        {
            await rpc.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return rpc;
    }

    private RpcDispatcher[] BuildInner()
    {
        IReadOnlyList<RollupChain> chains = _verifier.Chains;
        var inner = new RpcDispatcher[chains.Count];
        var modules = new List<EthModule>(chains.Count);
        for (int i = 0; i < inner.Length; i++)
        {
            inner[i] = new RpcDispatcher(_options[i]);
            var module = new EthModule(chains[i], _options[i]);
            module.Register(inner[i]);
            modules.Add(module);
        }
        _modules = modules;
        return inner;
    }

    private void WriteStatus(RpcCall call, Utf8JsonWriter w) => VerifierStatusJson.Write(w, _verifier);

    /// <summary>Stops every server.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (RpcServer? s in _servers) if (s is not null) await s.DisposeAsync().ConfigureAwait(false);
        foreach (EthModule m in _modules) m.Dispose();
    }
}

/// <summary>The JSON shape of <c>lockstep_verifierStatus</c> (docs/verifier.md).</summary>
public static class VerifierStatusJson
{
    /// <summary>Writes the progress numbers and every verdict of <paramref name="verifier"/>.</summary>
    public static void Write(Utf8JsonWriter w, SetVerifier verifier)
    {
        VerifierProgress p = verifier.Progress;
        w.WriteStartObject();
        w.WriteStartArray("chainIds");
        foreach (ulong id in verifier.ChainIds) w.WriteNumberValue(id);
        w.WriteEndArray();
        w.WriteNumber("l1Superbatches", p.L1Superbatches);
        w.WriteNumber("verifiedSuperbatches", p.VerifiedSuperbatches);
        w.WriteNumber("replicaHeight", p.ReplicaHeight);
        w.WriteNumber("targetHeight", p.TargetHeight);
        w.WriteNumber("blocksReplayed", p.BlocksReplayed);
        w.WriteNumber("transactionsReplayed", p.TransactionsReplayed);
        w.WriteNumber("replaySeconds", p.ReplaySeconds);
        if (p.Halted is null) w.WriteNull("halted");
        else w.WriteString("halted", p.Halted);
        w.WriteStartArray("verdicts");
        foreach (SuperbatchVerdict v in verifier.Verdicts.Recent)
        {
            w.WriteStartObject();
            w.WriteNumber("index", v.Index);
            w.WriteString("superbatchHash", v.SuperbatchHash.ToString());
            w.WriteString("verdict", v.Kind switch
            {
                VerdictKind.Ok => "ok",
                VerdictKind.StateRootMismatch => "stateRootMismatch",
                VerdictKind.CrossRootMismatch => "crossRootMismatch",
                VerdictKind.DepositMismatch => "depositMismatch",
                VerdictKind.RuleViolation => "ruleViolation",
                _ => "invalidBatch",
            });
            w.WriteNumber("lastBlock", v.LastBlock);
            if (v.Kind == VerdictKind.StateRootMismatch) { w.WriteNumber("chainId", v.ChainX); w.WriteString("expectedRoot", v.Expected.ToString()); w.WriteString("claimedRoot", v.Claimed.ToString()); }
            if (v.Kind is VerdictKind.DepositMismatch or VerdictKind.RuleViolation) w.WriteNumber("chainId", v.ChainX);
            if (v.Kind == VerdictKind.CrossRootMismatch) { w.WriteNumber("source", v.ChainX); w.WriteNumber("destination", v.ChainY); w.WriteString("outboxRoot", v.Expected.ToString()); w.WriteString("inboxRoot", v.Claimed.ToString()); }
            w.WriteString("detail", v.Detail);
            if (v.ActionTx is { } tx) w.WriteString("l1Transaction", tx.ToString());
            else w.WriteNull("l1Transaction");
            w.WriteBoolean("l1ActionSucceeded", v.ActionSucceeded);
            if (v.ActionError is null) w.WriteNull("l1ActionError");
            else w.WriteString("l1ActionError", v.ActionError);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
