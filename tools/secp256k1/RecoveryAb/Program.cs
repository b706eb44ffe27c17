using System.Globalization;
using System.Runtime.InteropServices;
using Lockstep.Crypto;
using Lockstep.Primitives;

namespace Lockstep.Tools.RecoveryAb;

/// <summary>
/// Interleaved A/B of sender recovery through the C# path (<see cref="Secp256k1Recovery.TryRecoverAddress"/>) on each
/// libsecp256k1 build, timed in thread CPU time so a loaded machine distorts less; round by round each contender runs
/// once, order reversed every other round; medians and ratios against the NuGet build are printed. Also splits the C#
/// overhead: recovery without keccak (<see cref="Secp256k1Recovery.TryRecoverPublicKey"/>) and keccak of 64 bytes.
/// <c>dotnet run -c Release --project tools/secp256k1/RecoveryAb -- [--rounds 30] [--calls 2000] [extra.so ...]</c>
/// </summary>
public static class Program
{
    private const int Signatures = 64;

    public static int Main(string[] args)
    {
        int rounds = 30, calls = 2000;
        var extra = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--rounds") rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--calls") calls = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else extra.Add(args[i]);
        }

        var hashes = new byte[Signatures][];
        var rs = new byte[Signatures][];
        var ss = new byte[Signatures][];
        var ids = new int[Signatures];
        var signers = new Address[Signatures];
        var rng = new Random(42);
        for (int i = 0; i < Signatures; i++)
        {
            byte[] key = new byte[32];
            rng.NextBytes(key);
            key[0] &= 0x7f;
            key[31] |= 1;
            hashes[i] = new byte[32];
            rng.NextBytes(hashes[i]);
            var (r, s, id) = Ecdsa.Sign(hashes[i], key);
            rs[i] = r.ToBigEndian();
            ss[i] = s.ToBigEndian();
            ids[i] = id;
            signers[i] = Ecdsa.PrivateKeyToAddress(key);
        }

        var libraries = new List<(string Name, Secp256k1Recovery Library)> { ("NuGet Secp256k1.Net 2.0.0", Secp256k1Recovery.LoadNuGet()) };
        string? baseline = Secp256k1Library.FindProjectBuild(allowBmi2: false);
        if (baseline is not null)
        {
            libraries.Add(("project baseline", Secp256k1Recovery.Load(baseline)));
            string bmi2 = Path.Combine(Path.GetDirectoryName(baseline)!, Secp256k1Library.Bmi2FileName);
            if (System.Runtime.Intrinsics.X86.Bmi2.X64.IsSupported && File.Exists(bmi2)) libraries.Add(("project BMI2", Secp256k1Recovery.Load(bmi2)));
        }
        foreach (string path in extra) libraries.Add((Path.GetFileName(path), Secp256k1Recovery.Load(path)));

        // Every library must recover every signer before its speed means anything.
        foreach (var (name, library) in libraries)
            for (int i = 0; i < Signatures; i++)
                if (!library.TryRecoverAddress(hashes[i], rs[i], ss[i], ids[i], out Address a) || a != signers[i])
                    throw new InvalidOperationException($"{name} recovered the wrong signer at {i}");

        var contenders = new List<(string Name, Action<int> Run)>();
        foreach (var (name, library) in libraries)
        {
            Secp256k1Recovery lib = library;
            contenders.Add(($"{name}: TryRecoverAddress", i => lib.TryRecoverAddress(hashes[i], rs[i], ss[i], ids[i], out _)));
        }
        byte[] publicKey = new byte[64];
        Secp256k1Recovery chosen = Secp256k1Library.Default;
        contenders.Add(("default: TryRecoverPublicKey (no keccak)", i => chosen.TryRecoverPublicKey(hashes[i], rs[i], ss[i], ids[i], publicKey)));
        contenders.Add(("default: Ecdsa.TryRecoverAddress", i => Ecdsa.TryRecoverAddress(hashes[i], rs[i], ss[i], ids[i], out _)));
        byte[] hash = new byte[32];
        contenders.Add(("keccak-256 of 64 bytes", i => Keccak256.Compute(publicKey, hash)));
        // The two parts one after the other: on the AVX-512 Xeon we measure on, this costs ~7 us more than the sum of
        // the parts (the AVX-512 keccak slows the next recovery); DOTNET_EnableAVX512=0 removes the difference.
        contenders.Add(("default: TryRecoverPublicKey, then keccak", i =>
        {
            chosen.TryRecoverPublicKey(hashes[i], rs[i], ss[i], ids[i], publicKey);
            Keccak256.Compute(publicKey, hash);
        }));

        Console.WriteLine($"default library: {Secp256k1Library.Description}");
        Console.WriteLine($"{rounds} rounds x {calls} calls, thread CPU time, medians");
        foreach (var (_, run) in contenders) for (int i = 0; i < 2000; i++) run(i & (Signatures - 1)); // tier-up

        var samples = new List<double>[contenders.Count];
        for (int c = 0; c < contenders.Count; c++) samples[c] = [];
        for (int round = 0; round < rounds; round++)
        {
            for (int step = 0; step < contenders.Count; step++)
            {
                int c = round % 2 == 0 ? step : contenders.Count - 1 - step;
                Action<int> run = contenders[c].Run;
                int n = contenders[c].Name.StartsWith("keccak", StringComparison.Ordinal) ? calls * 20 : calls;
                double t0 = ThreadCpuSeconds();
                for (int i = 0; i < n; i++) run(i & (Signatures - 1));
                samples[c].Add((ThreadCpuSeconds() - t0) / n * 1e6);
            }
        }
        double reference = Median(samples[0]);
        for (int c = 0; c < contenders.Count; c++)
        {
            double median = Median(samples[c]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{contenders[c].Name,-48} {median,8:F3} us  best {samples[c].Min(),8:F3}  ratio {median / reference,6:F3}  {1e6 / median,9:F0}/s"));
        }
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private const int ClockThreadCpuTimeId = 3; // CLOCK_THREAD_CPUTIME_ID (Linux, time.h)

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private static double ThreadCpuSeconds()
    {
        if (ClockGetTime(ClockThreadCpuTimeId, out TimeSpec t) != 0) throw new InvalidOperationException("clock_gettime failed");
        return t.Seconds + t.Nanoseconds * 1e-9;
    }
}
