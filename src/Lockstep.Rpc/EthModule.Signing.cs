using System.Text.Json;
using Lockstep.Node;
using Lockstep.Primitives;
using Lockstep.Transactions;
using Lockstep.TxPool;

namespace Lockstep.Rpc;

public sealed partial class EthModule
{
    /// <summary>
    /// Dev accounts whose keys the node holds: <c>eth_sendTransaction</c> signs for them (anvil's unlocked accounts),
    /// so tools that send through the node's accounts (ethers' JsonRpcSigner, cast --unlocked) work. Empty: refused.
    /// </summary>
    public IReadOnlyList<DevAccount> Signers { get; init; } = [];

    // eth_sendTransaction(call): fills nonce (pending), gas (estimate) and fees (suggested), signs with the dev key,
    // and submits like eth_sendRawTransaction.
    private void SendTransaction(RpcCall call, Utf8JsonWriter w)
    {
        CallRequest request = ParseCallRequest(call, 0);
        if (request.From is not Address from) throw RpcException.InvalidParam(0, "'from' is required");
        DevAccount? signer = null;
        foreach (DevAccount a in Signers)
            if (a.Address == from) signer = a;
        if (signer is null) throw new RpcException(RpcErrorCodes.Server, $"unknown account {from}");

        JsonElement args = call.Params.Get(0, "transaction");
        ulong nonce = Optional(args, "nonce") is JsonElement n ? RpcParams.ParseQuantity(n, 0, "nonce") : _chain.Pool.GetPendingNonce(from);
        ulong gas;
        if (request.Gas is ulong g) gas = g;
        else
        {
            BlockData head = _chain.HeadBlock;
            GasEstimate estimate = _simulator.EstimateGas(head.Header, _chain.OpenStateReader(head.Header), request);
            gas = estimate.Failure switch
            {
                EstimateFailure.None => estimate.Gas,
                EstimateFailure.Reverted => throw Reverted(estimate.RevertData),
                EstimateFailure.Invalid => throw new RpcException(RpcErrorCodes.Server, InvalidMessage(estimate.Invalid)),
                _ => throw new RpcException(RpcErrorCodes.Server, $"gas required exceeds allowance ({estimate.Allowance})"),
            };
        }
        var accessList = new List<AccessListEntry>();
        foreach (Execution.AccessListItem item in request.AccessList)
        {
            var keys = new List<Hash256>();
            foreach (UInt256 k in item.StorageKeys) keys.Add(Hash256.FromUInt256(k));
            accessList.Add(new AccessListEntry(item.Address, keys));
        }
        Transaction tx;
        if (request.GasPrice is UInt256 gasPrice)
        {
            tx = new Transaction
            {
                Type = accessList.Count > 0 ? TxType.AccessList : TxType.Legacy,
                ChainId = _chain.ChainId, // EIP-155 for legacy
                Nonce = nonce, GasPrice = gasPrice, GasLimit = gas, To = request.To, Value = request.Value, Data = request.Data,
                AccessList = accessList,
            };
        }
        else
        {
            UInt256 tip = request.MaxPriorityFeePerGas ?? SuggestedTip();
            // Room for the base fee to double before the transaction becomes unpayable (ethers' default too).
            UInt256 maxFee = request.MaxFeePerGas ?? _chain.NextBaseFee * new UInt256(2) + tip;
            tx = new Transaction
            {
                Type = TxType.DynamicFee,
                ChainId = _chain.ChainId,
                Nonce = nonce, MaxPriorityFeePerGas = tip, MaxFeePerGas = maxFee, GasLimit = gas, To = request.To,
                Value = request.Value, Data = request.Data, AccessList = accessList,
            };
        }
        TxPoolResult result = _chain.Pool.Add(tx.Sign(signer.PrivateKey));
        if (!result.Accepted) throw new RpcException(RpcErrorCodes.Server, result.Message);
        RpcJson.HashValue(w, result.Hash);
    }
}
