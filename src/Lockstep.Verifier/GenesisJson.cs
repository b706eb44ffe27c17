using System.Text;
using System.Text.Json;
using Lockstep.Chain;
using Lockstep.Primitives;

namespace Lockstep.Verifier;

/// <summary>
/// Writes a <see cref="Genesis"/> as geth genesis JSON (what <see cref="Genesis.FromJson"/> reads), so a set's geneses
/// can be handed to <c>lockstep verify --genesis FILE ...</c> (the devnet writes them into its data directory).
/// </summary>
public static class GenesisJson
{
    /// <summary>The geth JSON of <paramref name="genesis"/>; <see cref="Genesis.FromJson"/> of it gives the same block 0.</summary>
    public static string Write(Genesis genesis)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("config");
            w.WriteNumber("chainId", genesis.ChainId);
            // Forks active from genesis are written as block/time 0 (FromJson reads exactly that).
            if (genesis.London) w.WriteNumber("londonBlock", 0);
            if (genesis.Shanghai) w.WriteNumber("shanghaiTime", 0);
            if (genesis.Cancun) w.WriteNumber("cancunTime", 0);
            w.WriteEndObject();
            w.WriteString("nonce", Quantity(genesis.Nonce));
            w.WriteString("timestamp", Quantity(genesis.Timestamp));
            w.WriteString("extraData", Hex.Encode(genesis.ExtraData));
            w.WriteString("gasLimit", Quantity(genesis.GasLimit));
            w.WriteString("difficulty", genesis.Difficulty.ToHexQuantity());
            w.WriteString("mixHash", genesis.MixHash.ToString());
            w.WriteString("coinbase", genesis.Coinbase.ToString());
            w.WriteString("parentHash", genesis.ParentHash.ToString());
            if (genesis.BaseFeePerGas is { } fee) w.WriteString("baseFeePerGas", fee.ToHexQuantity());
            w.WriteString("excessBlobGas", Quantity(genesis.ExcessBlobGas));
            w.WriteString("blobGasUsed", Quantity(genesis.BlobGasUsed));
            w.WriteStartObject("alloc");
            foreach ((Address address, GenesisAccount account) in genesis.Alloc)
            {
                w.WriteStartObject(address.ToString());
                w.WriteString("balance", account.Balance.ToHexQuantity());
                if (account.Nonce != 0) w.WriteString("nonce", Quantity(account.Nonce));
                if (account.Code.Length > 0) w.WriteString("code", Hex.Encode(account.Code));
                if (account.Storage.Count > 0)
                {
                    w.WriteStartObject("storage");
                    foreach ((UInt256 slot, UInt256 value) in account.Storage) w.WriteString(Hex.Encode(slot.ToBigEndian()), Hex.Encode(value.ToBigEndian()));
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Quantity(ulong v) => "0x" + v.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
}
