using BenchmarkDotNet.Running;

namespace Lockstep.Benchmarks;

/// <summary>Kernel benchmarks: <c>dotnet run -c Release --project bench/Lockstep.Benchmarks -- --filter '*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
