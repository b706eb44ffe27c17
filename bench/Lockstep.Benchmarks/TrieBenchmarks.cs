using BenchmarkDotNet.Attributes;
using Lockstep.Primitives;
using Lockstep.Trie;

namespace Lockstep.Benchmarks;

/// <summary>
/// The state-root hot path: a block of 20k ERC20 transfers touches ~40k storage slots (random 32-byte hashed
/// keys) and then needs the root. Values are 32 bytes (an RLP-encoded uint256 slot value is up to 33).
/// Run: <c>dotnet run -c Release --project bench/Lockstep.Benchmarks -- --filter '*TrieBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class TrieBenchmarks
{
    private const int KeyCount = 100_000;
    private byte[][] _keys = [];
    private byte[][] _valuesA = [], _valuesB = [];
    private PatriciaTrie _populated = new();
    private bool _flip;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _keys = new byte[KeyCount][];
        _valuesA = new byte[KeyCount][];
        _valuesB = new byte[KeyCount][];
        for (int i = 0; i < KeyCount; i++)
        {
            rng.NextBytes(_keys[i] = new byte[32]);
            rng.NextBytes(_valuesA[i] = new byte[32]);
            rng.NextBytes(_valuesB[i] = new byte[32]);
        }
        _populated = new PatriciaTrie();
        for (int i = 0; i < KeyCount; i++) _populated.Set(_keys[i], _valuesA[i]);
        _ = _populated.RootHash;
    }

    /// <summary>Builds a trie of 100k random keys from empty and hashes it once.</summary>
    [Benchmark]
    public Hash256 Insert100kAndRoot()
    {
        var trie = new PatriciaTrie();
        for (int i = 0; i < KeyCount; i++) trie.Set(_keys[i], _valuesA[i]);
        return trie.RootHash;
    }

    /// <summary>Changes all 100k values of a hashed trie and rehashes.</summary>
    [Benchmark]
    public Hash256 Update100kAndRoot()
    {
        byte[][] values = (_flip = !_flip) ? _valuesB : _valuesA;
        for (int i = 0; i < KeyCount; i++) _populated.Set(_keys[i], values[i]);
        return _populated.RootHash;
    }

    /// <summary>One block's worth: 40k slot updates (20k transfers x 2 balances) in a 100k-key trie, then the root.</summary>
    [Benchmark]
    public Hash256 Update40kOf100kAndRoot()
    {
        byte[][] values = (_flip = !_flip) ? _valuesB : _valuesA;
        for (int i = 0; i < 40_000; i++) _populated.Set(_keys[i], values[i]);
        return _populated.RootHash;
    }

    /// <summary>Reads of present keys.</summary>
    [Benchmark]
    public int Get100k()
    {
        int n = 0;
        for (int i = 0; i < KeyCount; i++) n += _populated.Get(_keys[i])!.Length;
        return n;
    }
}
