using BenchmarkDotNet.Attributes;
using Lockstep.Crypto;
using Lockstep.Primitives;
using Lockstep.Transactions;
using NBitcoin.Secp256k1;
using Nethereum.Signer;

namespace Lockstep.Benchmarks;

/// <summary>
/// Sender recovery (public key recovery + keccak to an address) per call: ours (native libsecp256k1 called directly:
/// the project's build from tools/secp256k1/build.sh when present, see <see cref="Secp256k1Library"/>; the same code
/// on the NuGet build of Secp256k1.Net; the native part alone), the full transaction path (decode + signing hash + recovery), NBitcoin.Secp256k1 (managed port
/// of libsecp256k1) and Nethereum.Signer (BouncyCastle). Each call uses the next of 64 pre-made signatures.
/// <c>dotnet run -c Release --project bench/Lockstep.Benchmarks -- --filter '*SenderRecovery*'</c>; on a loaded machine
/// where BenchmarkDotNet's 120 s child build times out, add <c>--inProcess</c>.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class SenderRecoveryBenchmarks
{
    private const int Count = 64;
    private readonly byte[][] _hashes = new byte[Count][];
    private readonly byte[][] _r = new byte[Count][];
    private readonly byte[][] _s = new byte[Count][];
    private readonly byte[][] _compact = new byte[Count][];
    private readonly int[] _recId = new int[Count];
    private readonly byte[][] _encodedTx = new byte[Count][];
    private readonly EthECDSASignature[] _nethereumSigs = new EthECDSASignature[Count];
    private const int BatchSize = 256;
    private readonly Transaction[] _batch = new Transaction[BatchSize];
    private readonly Address[] _batchSenders = new Address[BatchSize];
    private readonly TransactionError[] _batchErrors = new TransactionError[BatchSize];
    private int _i;
    private readonly Secp256k1Recovery _nuget = Secp256k1Recovery.LoadNuGet();
    private readonly byte[] _publicKey = new byte[64];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        for (int i = 0; i < Count; i++)
        {
            byte[] key = new byte[32];
            rng.NextBytes(key);
            key[0] &= 0x7f;
            var tx = new Transaction
            {
                Type = TxType.DynamicFee, ChainId = 1, Nonce = (ulong)i, MaxFeePerGas = 30_000_000_000UL, MaxPriorityFeePerGas = 1_000_000_000UL,
                GasLimit = 21000, To = Address.FromNumber((uint)(i + 1)), Value = 1_000_000_000_000_000UL,
            }.Sign(key);
            _encodedTx[i] = tx.Encode();
            _hashes[i] = tx.SigningHash().ToArray();
            _r[i] = tx.R.ToBigEndian();
            _s[i] = tx.S.ToBigEndian();
            _recId[i] = (int)tx.V.U0;
            _compact[i] = [.. _r[i], .. _s[i]];
            _nethereumSigs[i] = EthECDSASignatureFactory.FromComponents(_r[i], _s[i], (byte)(27 + _recId[i]));
        }

        // All contenders must agree before their speed means anything.
        for (int i = 0; i < Count; i++)
        {
            _i = i; Address ours = Ours();
            _i = i; Address full = OursFullTransaction();
            _i = i; Address nbitcoin = NBitcoin();
            _i = i; Address nethereum = Address.FromHex(Nethereum());
            _i = i; Address onNuGet = OursOnNuGetLibrary();
            if (ours != full || ours != nbitcoin || ours != nethereum || ours != onNuGet)
                throw new InvalidOperationException($"recovery disagrees at {i}: {ours} {full} {nbitcoin} {nethereum}");
        }
        _i = 0;
        Console.WriteLine($"// default library: {Secp256k1Library.Description}");
    }

    [Benchmark(Baseline = true, Description = "Lockstep Ecdsa.TryRecoverAddress (libsecp256k1)")]
    public Address Ours()
    {
        int i = _i++ & (Count - 1);
        Ecdsa.TryRecoverAddress(_hashes[i], _r[i], _s[i], _recId[i], out Address a);
        return a;
    }

    /// <summary>The same C# path on the library the Secp256k1.Net package ships (the yardstick of issue 2's figures).</summary>
    [Benchmark(Description = "Lockstep recovery on the NuGet libsecp256k1 build")]
    public Address OursOnNuGetLibrary()
    {
        int i = _i++ & (Count - 1);
        _nuget.TryRecoverAddress(_hashes[i], _r[i], _s[i], _recId[i], out Address a);
        return a;
    }

    /// <summary>Without the keccak of the public key: the native part (parse + recover + serialize) and range checks.</summary>
    [Benchmark(Description = "Lockstep TryRecoverPublicKey (no keccak), default library")]
    public bool OursPublicKeyOnly()
    {
        int i = _i++ & (Count - 1);
        return Secp256k1Library.Default.TryRecoverPublicKey(_hashes[i], _r[i], _s[i], _recId[i], _publicKey);
    }

    [Benchmark(Description = "Lockstep decode + TryRecoverSender (EIP-1559 tx)")]
    public Address OursFullTransaction()
    {
        int i = _i++ & (Count - 1);
        Transaction tx = TransactionDecoder.Decode(_encodedTx[i]);
        tx.TryRecoverSender(1, out Address a, out _);
        return a;
    }

    /// <summary>Per-transaction cost of <see cref="SenderRecovery.RecoverAll"/> on all cores (fresh decodes, so no cached senders).</summary>
    [Benchmark(OperationsPerInvoke = BatchSize, Description = "Lockstep SenderRecovery.RecoverAll, all cores (per tx)")]
    public TransactionError OursBatchAllCores()
    {
        for (int i = 0; i < BatchSize; i++) _batch[i] = TransactionDecoder.Decode(_encodedTx[i & (Count - 1)]);
        SenderRecovery.RecoverAll(_batch, 1, _batchSenders, _batchErrors);
        return _batchErrors[0];
    }

    [Benchmark(Description = "NBitcoin.Secp256k1 ECPubKey.TryRecover")]
    public Address NBitcoin()
    {
        int i = _i++ & (Count - 1);
        SecpRecoverableECDSASignature.TryCreateFromCompact(_compact[i], _recId[i], out SecpRecoverableECDSASignature? sig);
        ECPubKey.TryRecover(Context.Instance, sig!, _hashes[i], out ECPubKey? pub);
        Span<byte> serialized = stackalloc byte[65];
        pub!.WriteToSpan(false, serialized, out _);
        return Ecdsa.PublicKeyToAddress(serialized[1..]);
    }

    [Benchmark(Description = "Nethereum EthECKey.RecoverFromSignature")]
    public string Nethereum()
    {
        int i = _i++ & (Count - 1);
        return EthECKey.RecoverFromSignature(_nethereumSigs[i], _hashes[i]).GetPublicAddress();
    }
}
