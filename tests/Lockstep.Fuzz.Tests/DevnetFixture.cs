using Lockstep.Devnet;

namespace Lockstep.Fuzz.Tests;

/// <summary>One in-process devnet (2 rollups, no L1: the fuzzers aim at the RPC and the builder) shared by the fuzz tests.</summary>
public sealed class DevnetFixture : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "lockstep-fuzz-" + Guid.NewGuid().ToString("N")[..12]);

    public Devnet.Devnet Devnet { get; private set; } = null!;

    public List<Exception> Failures { get; } = new();

    public async Task InitializeAsync()
    {
        Devnet = await Lockstep.Devnet.Devnet.StartAsync(new DevnetOptions { Rollups = 2, BasePort = 0, DataDir = _dataDir, EmbeddedL1 = false, Accounts = 10 });
        Devnet.Sequencer.Failed += e => { lock (Failures) Failures.Add(e); };
    }

    public async Task DisposeAsync()
    {
        await Devnet.DisposeAsync();
        try { Directory.Delete(_dataDir, recursive: true); }
        catch (IOException) { }
    }
}

[CollectionDefinition("devnet")]
public sealed class DevnetCollection : ICollectionFixture<DevnetFixture>;
