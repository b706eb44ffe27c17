using System.Collections.Concurrent;
using System.Text.Json;
using Lockstep.Chain;
using Lockstep.Execution;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.State;
using Lockstep.Transactions;
using Lockstep.TxPool;

namespace Lockstep.Rpc;

/// <summary>
/// The standard Ethereum methods (eth_*, net_*, web3_*) and subscriptions for one <see cref="RollupChain"/>.
/// docs/rpc.md documents every method, its parameters and errors.
/// </summary>
public sealed partial class EthModule : IDisposable
{
    /// <summary>What web3_clientVersion answers.</summary>
    public const string ClientVersion = "lockstep/v0.1.0/dotnet10";

    /// <summary>The suggested priority fee when the pool has no minimum: 1 gwei, like anvil and geth's dev mode.</summary>
    public static readonly UInt256 DefaultPriorityFee = new(1_000_000_000);

    private readonly RollupChain _chain;
    private readonly RpcServerOptions _options;
    private readonly Simulator _simulator;
    private readonly IReadOnlyList<Address> _accounts;
    private readonly ConcurrentDictionary<string, Subscription> _subscriptions = new();

    /// <summary>Serves <paramref name="chain"/>; <paramref name="accounts"/> is what eth_accounts lists.</summary>
    public EthModule(RollupChain chain, RpcServerOptions options, IReadOnlyList<Address>? accounts = null)
    {
        _chain = chain;
        _options = options;
        _accounts = accounts ?? [];
        _simulator = new Simulator(chain.ChainId, chain.Store);
        _chain.NewHead += OnNewHead;
        _chain.Pool.TransactionAdded += OnPendingTransaction;
    }

    /// <summary>Registers every method on <paramref name="dispatcher"/>.</summary>
    public void Register(RpcDispatcher dispatcher)
    {
        dispatcher.Register("web3_clientVersion", (_, w) => w.WriteStringValue(ClientVersion));
        dispatcher.Register("web3_sha3", (c, w) => RpcJson.HashValue(w, Keccak256.Compute(c.Params.Bytes(0, "data"))));
        dispatcher.Register("net_version", (_, w) => w.WriteStringValue(_chain.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        dispatcher.Register("net_listening", (_, w) => w.WriteBooleanValue(true));
        dispatcher.Register("net_peerCount", (_, w) => RpcJson.QuantityValue(w, 0));
        dispatcher.Register("eth_chainId", (_, w) => RpcJson.QuantityValue(w, _chain.ChainId));
        dispatcher.Register("eth_syncing", (_, w) => w.WriteBooleanValue(false));
        dispatcher.Register("eth_mining", (_, w) => w.WriteBooleanValue(false));
        dispatcher.Register("eth_accounts", EthAccounts);
        dispatcher.Register("eth_blockNumber", (_, w) => RpcJson.QuantityValue(w, _chain.Head.Number));
        dispatcher.Register("eth_getBalance", (c, w) => ReadAccount(c, w, static (s, a) => s.TryGetAccount(a, out AccountState acc) ? acc.Balance : UInt256.Zero));
        dispatcher.Register("eth_getCode", GetCode);
        dispatcher.Register("eth_getStorageAt", GetStorageAt);
        dispatcher.Register("eth_getTransactionCount", GetTransactionCount);
        dispatcher.Register("eth_call", Call);
        dispatcher.Register("eth_estimateGas", EstimateGas);
        dispatcher.Register("eth_sendRawTransaction", SendRawTransaction);
        dispatcher.Register("eth_sendTransaction", SendTransaction);
        dispatcher.Register("eth_getTransactionByHash", GetTransactionByHash);
        dispatcher.Register("eth_getTransactionReceipt", GetTransactionReceipt);
        dispatcher.Register("eth_getBlockReceipts", GetBlockReceipts);
        dispatcher.Register("eth_getBlockByNumber", (c, w) => WriteBlock(w, TryResolveBlock(c, 0, out _), BoolOr(c, 1, false)));
        dispatcher.Register("eth_getBlockByHash", (c, w) => WriteBlock(w, _chain.GetBlock(c.Params.Hash(0, "blockHash")), BoolOr(c, 1, false)));
        dispatcher.Register("eth_getBlockTransactionCountByNumber", (c, w) => WriteCount(w, TryResolveBlock(c, 0, out _)));
        dispatcher.Register("eth_getBlockTransactionCountByHash", (c, w) => WriteCount(w, _chain.GetBlock(c.Params.Hash(0, "blockHash"))));
        dispatcher.Register("eth_getTransactionByBlockNumberAndIndex", (c, w) => WriteTransactionAt(w, TryResolveBlock(c, 0, out _), c.Params.Quantity(1, "index")));
        dispatcher.Register("eth_getTransactionByBlockHashAndIndex", (c, w) => WriteTransactionAt(w, _chain.GetBlock(c.Params.Hash(0, "blockHash")), c.Params.Quantity(1, "index")));
        dispatcher.Register("eth_getUncleCountByBlockNumber", (c, w) => WriteUncleCount(w, TryResolveBlock(c, 0, out _)));
        dispatcher.Register("eth_getUncleCountByBlockHash", (c, w) => WriteUncleCount(w, _chain.GetBlock(c.Params.Hash(0, "blockHash"))));
        dispatcher.Register("eth_getLogs", GetLogs);
        dispatcher.Register("eth_gasPrice", (_, w) => RpcJson.BigQuantityValue(w, _chain.NextBaseFee + SuggestedTip()));
        dispatcher.Register("eth_maxPriorityFeePerGas", (_, w) => RpcJson.BigQuantityValue(w, SuggestedTip()));
        dispatcher.Register("eth_blobBaseFee", (_, w) => RpcJson.BigQuantityValue(w, BlobBaseFee(FeeRules.NextExcessBlobGas(_chain.Head))));
        dispatcher.Register("eth_feeHistory", FeeHistory);
        dispatcher.Register("eth_getProof", GetProof);
        dispatcher.Register("eth_subscribe", Subscribe);
        dispatcher.Register("eth_unsubscribe", Unsubscribe);
    }

    private UInt256 SuggestedTip()
    {
        UInt256 min = _chain.Pool.Options.MinPriorityFee;
        return min > DefaultPriorityFee ? min : DefaultPriorityFee;
    }

    private static UInt256 BlobBaseFee(ulong excessBlobGas) =>
        BlockEnvironment.FakeExponential(BlockEnvironment.MinBlobBaseFee, excessBlobGas, BlockEnvironment.BlobBaseFeeUpdateFraction);

    private static bool BoolOr(RpcCall c, int i, bool fallback) => c.Params.Has(i) ? c.Params.Bool(i, "fullTransactions") : fallback;

    private void EthAccounts(RpcCall call, Utf8JsonWriter w)
    {
        w.WriteStartArray();
        foreach (Address a in _accounts) w.WriteStringValue(a.ToString());
        w.WriteEndArray();
    }

    private void ReadAccount(RpcCall call, Utf8JsonWriter w, Func<IStateReader, Address, UInt256> read)
    {
        Address address = call.Params.Address(0, "address");
        BlockData block = ResolveBlock(call, 1);
        RpcJson.BigQuantityValue(w, read(_chain.OpenStateReader(block.Header), address));
    }

    private void GetCode(RpcCall call, Utf8JsonWriter w)
    {
        Address address = call.Params.Address(0, "address");
        TrieStateReader state = _chain.OpenStateReader(ResolveBlock(call, 1).Header);
        RpcJson.DataValue(w, state.TryGetAccount(address, out AccountState a) ? state.GetCode(a.CodeHash) : []);
    }

    private void GetStorageAt(RpcCall call, Utf8JsonWriter w)
    {
        Address address = call.Params.Address(0, "address");
        UInt256 slot = RpcParams.ParseUInt256(call.Params.Get(1, "slot"), 1, "slot");
        TrieStateReader state = _chain.OpenStateReader(ResolveBlock(call, 2).Header);
        RpcJson.HashValue(w, Hash256.FromUInt256(state.GetStorage(address, slot)));
    }

    private void GetTransactionCount(RpcCall call, Utf8JsonWriter w)
    {
        Address address = call.Params.Address(0, "address");
        if (call.Params.Has(1) && call.Params.Get(1, "block") is { ValueKind: JsonValueKind.String } tag && tag.ValueEquals("pending"u8))
        {
            RpcJson.QuantityValue(w, _chain.Pool.GetPendingNonce(address));
            return;
        }
        TrieStateReader state = _chain.OpenStateReader(ResolveBlock(call, 1).Header);
        RpcJson.QuantityValue(w, state.TryGetAccount(address, out AccountState a) ? a.Nonce : 0);
    }

    private void Call(RpcCall call, Utf8JsonWriter w)
    {
        CallRequest request = ParseCallRequest(call, 0);
        BlockData block = ResolveBlock(call, 1);
        Dictionary<Address, AccountOverride>? overrides = ParseOverrides(call, 2);
        CallOutcome outcome = _simulator.Call(block.Header, _chain.OpenStateReader(block.Header), request, overrides);
        if (outcome.Invalid != InvalidTransactionReason.None) throw new RpcException(RpcErrorCodes.Server, InvalidMessage(outcome.Invalid));
        if (outcome.Reverted) throw Reverted(outcome.Output);
        if (!outcome.Success) throw new RpcException(RpcErrorCodes.Server, HaltMessage(outcome.Status));
        RpcJson.DataValue(w, outcome.Output);
    }

    private static string HaltMessage(Evm.ExecStatus status) => status switch
    {
        Evm.ExecStatus.OutOfGas => "out of gas",
        _ => "execution failed: " + status,
    };

    private void EstimateGas(RpcCall call, Utf8JsonWriter w)
    {
        CallRequest request = ParseCallRequest(call, 0);
        BlockData block = ResolveBlock(call, 1);
        Dictionary<Address, AccountOverride>? overrides = ParseOverrides(call, 2);
        GasEstimate estimate = _simulator.EstimateGas(block.Header, _chain.OpenStateReader(block.Header), request, overrides);
        switch (estimate.Failure)
        {
            case EstimateFailure.None: RpcJson.QuantityValue(w, estimate.Gas); return;
            case EstimateFailure.Reverted: throw Reverted(estimate.RevertData);
            case EstimateFailure.Invalid: throw new RpcException(RpcErrorCodes.Server, InvalidMessage(estimate.Invalid));
            default: throw new RpcException(RpcErrorCodes.Server, $"gas required exceeds allowance ({estimate.Allowance})");
        }
    }

    private void SendRawTransaction(RpcCall call, Utf8JsonWriter w)
    {
        byte[] raw = call.Params.Bytes(0, "transaction");
        TxPoolResult result = _chain.SubmitTransaction(raw);
        if (!result.Accepted) throw new RpcException(RpcErrorCodes.Server, result.Message);
        RpcJson.HashValue(w, result.Hash);
    }

    private void GetTransactionByHash(RpcCall call, Utf8JsonWriter w)
    {
        Hash256 hash = call.Params.Hash(0, "transactionHash");
        if (_chain.TryGetTransaction(hash, out BlockData block, out int index))
            RpcJson.Transaction(w, block.Block.Transactions[index], block.Senders[index], block, index);
        else if (_chain.Pool.TryGet(hash, out PooledTransaction pooled))
            RpcJson.Transaction(w, pooled.Transaction, pooled.Sender, null, 0);
        else
            w.WriteNullValue();
    }

    private void GetTransactionReceipt(RpcCall call, Utf8JsonWriter w)
    {
        Hash256 hash = call.Params.Hash(0, "transactionHash");
        // Only committed blocks have receipts: a receipt never describes a block that a crash could lose.
        if (_chain.TryGetTransaction(hash, out BlockData block, out int index)) RpcJson.Receipt(w, block, index);
        else w.WriteNullValue();
    }

    private void GetBlockReceipts(RpcCall call, Utf8JsonWriter w)
    {
        BlockData? block = TryResolveBlock(call, 0, out _);
        if (block is null)
        {
            w.WriteNullValue();
            return;
        }
        w.WriteStartArray();
        for (int i = 0; i < block.Receipts.Count; i++) RpcJson.Receipt(w, block, i);
        w.WriteEndArray();
    }

    private static void WriteBlock(Utf8JsonWriter w, BlockData? block, bool full)
    {
        if (block is null) w.WriteNullValue();
        else RpcJson.Block(w, block, full);
    }

    private static void WriteCount(Utf8JsonWriter w, BlockData? block)
    {
        if (block is null) w.WriteNullValue();
        else RpcJson.QuantityValue(w, (ulong)block.Block.Transactions.Count);
    }

    private static void WriteUncleCount(Utf8JsonWriter w, BlockData? block)
    {
        if (block is null) w.WriteNullValue();
        else RpcJson.QuantityValue(w, 0);
    }

    private static void WriteTransactionAt(Utf8JsonWriter w, BlockData? block, ulong index)
    {
        if (block is null || index >= (ulong)block.Block.Transactions.Count)
        {
            w.WriteNullValue();
            return;
        }
        RpcJson.Transaction(w, block.Block.Transactions[(int)index], block.Senders[(int)index], block, (int)index);
    }

    private void GetLogs(RpcCall call, Utf8JsonWriter w)
    {
        JsonElement f = call.Params.Get(0, "filter");
        if (f.ValueKind != JsonValueKind.Object) throw RpcException.InvalidParam(0, "the filter must be an object");
        LogFilter filter = ParseLogFilter(f, 0);
        List<MatchedLog> logs;
        if (Optional(f, "blockHash") is JsonElement bh)
        {
            if (Optional(f, "fromBlock") is not null || Optional(f, "toBlock") is not null)
                throw RpcException.InvalidParam(0, "cannot specify both blockHash and fromBlock/toBlock");
            Hash256 hash = RpcParams.ParseHash(bh, 0, "blockHash");
            BlockData block = _chain.GetBlock(hash) ?? throw new RpcException(RpcErrorCodes.Server, "unknown block");
            logs = [];
            RollupChain.CollectLogs(block, filter, logs, _options.MaxLogResults);
        }
        else
        {
            ulong head = _chain.Head.Number;
            ulong from = Optional(f, "fromBlock") is JsonElement fb ? ResolveNumber(fb, 0) ?? head : head;
            ulong to = Optional(f, "toBlock") is JsonElement tb ? ResolveNumber(tb, 0) ?? head : head;
            if (from > to && to <= head) throw RpcException.InvalidParam(0, "invalid block range: fromBlock is after toBlock");
            logs = _chain.GetLogs(filter, from, to, _options.MaxLogBlockRange, _options.MaxLogResults);
        }
        w.WriteStartArray();
        foreach (MatchedLog m in logs) RpcJson.Log(w, m.Log, m.Block, m.TransactionIndex, m.LogIndex);
        w.WriteEndArray();
    }

    private static LogFilter ParseLogFilter(JsonElement f, int index)
    {
        var addresses = new List<Address>();
        if (Optional(f, "address") is JsonElement a)
        {
            if (a.ValueKind == JsonValueKind.Array)
                foreach (JsonElement x in a.EnumerateArray()) addresses.Add(RpcParams.ParseAddress(x, index, "address"));
            else addresses.Add(RpcParams.ParseAddress(a, index, "address"));
        }
        var topics = new List<Hash256[]?>();
        if (Optional(f, "topics") is JsonElement t)
        {
            if (t.ValueKind != JsonValueKind.Array) throw RpcException.InvalidParam(index, "topics must be an array");
            if (t.GetArrayLength() > 4) throw RpcException.InvalidParam(index, "at most 4 topic positions");
            foreach (JsonElement position in t.EnumerateArray())
            {
                if (position.ValueKind == JsonValueKind.Null) topics.Add(null);
                else if (position.ValueKind == JsonValueKind.Array)
                {
                    var any = new List<Hash256>();
                    foreach (JsonElement h in position.EnumerateArray())
                        if (h.ValueKind != JsonValueKind.Null) any.Add(RpcParams.ParseHash(h, index, "topic"));
                    topics.Add(any.Count == 0 ? null : [.. any]);
                }
                else topics.Add([RpcParams.ParseHash(position, index, "topic")]);
            }
        }
        return new LogFilter { Addresses = addresses, Topics = topics };
    }

    private void FeeHistory(RpcCall call, Utf8JsonWriter w)
    {
        ulong count = call.Params.Quantity(0, "blockCount");
        if (count > (ulong)_options.MaxFeeHistoryBlocks) count = (ulong)_options.MaxFeeHistoryBlocks;
        BlockData newest = ResolveBlock(call, 1);
        double[] percentiles = [];
        if (call.Params.Has(2))
        {
            JsonElement p = call.Params.Get(2, "rewardPercentiles");
            if (p.ValueKind != JsonValueKind.Array) throw RpcException.InvalidParam(2, "rewardPercentiles must be an array of numbers");
            percentiles = new double[p.GetArrayLength()];
            int i = 0;
            foreach (JsonElement x in p.EnumerateArray())
            {
                if (x.ValueKind != JsonValueKind.Number || !x.TryGetDouble(out double v) || v < 0 || v > 100)
                    throw RpcException.InvalidParam(2, "reward percentiles must be numbers in [0, 100]");
                if (i > 0 && v < percentiles[i - 1]) throw RpcException.InvalidParam(2, "reward percentiles must be ascending");
                percentiles[i++] = v;
            }
            if (percentiles.Length > 100) throw RpcException.InvalidParam(2, "at most 100 reward percentiles");
        }
        if (count == 0 || newest.Number + 1 < count) count = Math.Min(count, newest.Number + 1);
        ulong oldest = newest.Number + 1 - count;
        var blocks = new BlockData[count];
        for (ulong n = 0; n < count; n++) blocks[n] = _chain.GetBlock(oldest + n)!;

        w.WriteStartObject();
        RpcJson.Quantity(w, "oldestBlock"u8, oldest);
        w.WriteStartArray("baseFeePerGas"u8);
        foreach (BlockData b in blocks) RpcJson.BigQuantityValue(w, b.Header.BaseFeePerGas ?? UInt256.Zero);
        RpcJson.BigQuantityValue(w, FeeRules.NextBaseFee(newest.Header));
        w.WriteEndArray();
        w.WriteStartArray("gasUsedRatio"u8);
        foreach (BlockData b in blocks) w.WriteNumberValue(b.Header.GasLimit == 0 ? 0 : (double)b.Header.GasUsed / b.Header.GasLimit);
        w.WriteEndArray();
        w.WriteStartArray("baseFeePerBlobGas"u8);
        foreach (BlockData b in blocks) RpcJson.BigQuantityValue(w, BlobBaseFee(b.Header.ExcessBlobGas ?? 0));
        RpcJson.BigQuantityValue(w, BlobBaseFee(FeeRules.NextExcessBlobGas(newest.Header)));
        w.WriteEndArray();
        w.WriteStartArray("blobGasUsedRatio"u8);
        foreach (BlockData b in blocks) w.WriteNumberValue((double)(b.Header.BlobGasUsed ?? 0) / FeeRules.MaxBlobGasPerBlock);
        w.WriteEndArray();
        if (call.Params.Has(2))
        {
            w.WriteStartArray("reward"u8);
            foreach (BlockData b in blocks) WriteRewards(w, b, percentiles);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    // geth's oracle: sort by effective tip, then for each percentile the tip of the transaction at which the
    // cumulative gas used reaches that share of the block's gas used.
    private static void WriteRewards(Utf8JsonWriter w, BlockData block, double[] percentiles)
    {
        w.WriteStartArray();
        int n = block.Block.Transactions.Count;
        UInt256 baseFee = block.Header.BaseFeePerGas ?? UInt256.Zero;
        if (n == 0)
        {
            foreach (double _ in percentiles) RpcJson.QuantityValue(w, 0);
            w.WriteEndArray();
            return;
        }
        var tips = new (UInt256 Tip, ulong Gas)[n];
        for (int i = 0; i < n; i++)
        {
            UInt256 price = block.EffectiveGasPrice(i);
            tips[i] = (price > baseFee ? price - baseFee : UInt256.Zero, block.GasUsed(i));
        }
        Array.Sort(tips, static (a, b) => a.Tip.CompareTo(b.Tip));
        int at = 0;
        ulong sum = tips[0].Gas;
        foreach (double p in percentiles)
        {
            double threshold = block.Header.GasUsed * p / 100;
            while (sum < threshold && at < n - 1)
            {
                at++;
                sum += tips[at].Gas;
            }
            RpcJson.BigQuantityValue(w, tips[at].Tip);
        }
        w.WriteEndArray();
    }

    private void GetProof(RpcCall call, Utf8JsonWriter w)
    {
        Address address = call.Params.Address(0, "address");
        JsonElement keysElement = call.Params.Has(1) ? call.Params.Get(1, "storageKeys") : default;
        var keys = new List<UInt256>();
        if (keysElement.ValueKind == JsonValueKind.Array)
            foreach (JsonElement k in keysElement.EnumerateArray()) keys.Add(RpcParams.ParseUInt256(k, 1, "storageKeys"));
        else if (keysElement.ValueKind != JsonValueKind.Undefined) throw RpcException.InvalidParam(1, "storageKeys must be an array");
        if (keys.Count > 1000) throw RpcException.InvalidParam(1, "at most 1000 storage keys");
        BlockData block = ResolveBlock(call, 2);
        AccountProof proof = _chain.GetProof(block.Header, address, keys);
        w.WriteStartObject();
        RpcJson.Address(w, "address"u8, address);
        w.WriteStartArray("accountProof"u8);
        foreach (byte[] node in proof.AccountProofNodes) RpcJson.DataValue(w, node);
        w.WriteEndArray();
        RpcJson.Quantity(w, "balance"u8, proof.Account.Balance);
        RpcJson.Hash(w, "codeHash"u8, proof.Account.CodeHash);
        RpcJson.Quantity(w, "nonce"u8, proof.Account.Nonce);
        RpcJson.Hash(w, "storageHash"u8, proof.Account.StorageRoot);
        w.WriteStartArray("storageProof"u8);
        foreach (StorageProof s in proof.StorageProofs)
        {
            w.WriteStartObject();
            RpcJson.Quantity(w, "key"u8, s.Key);
            RpcJson.Quantity(w, "value"u8, s.Value);
            w.WriteStartArray("proof"u8);
            foreach (byte[] node in s.Proof) RpcJson.DataValue(w, node);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Stops listening to the chain.</summary>
    public void Dispose()
    {
        _chain.NewHead -= OnNewHead;
        _chain.Pool.TransactionAdded -= OnPendingTransaction;
    }
}
