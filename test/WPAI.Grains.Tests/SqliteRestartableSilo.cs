using WPAI.Silo.Hosting;
using WPAI.Silo.Storage;

namespace WPAI.Grains.Tests;

/// <summary>
/// A one-silo test cluster on a private SQLite file that a test stops and starts again (same file, same service id,
/// same <see cref="FakeTimeProvider"/> clock, passes run by the test): the restart and crash-safety tests' silo.
/// Reminders live in the same file (WPAI's SQLite reminder table) and may be as short as 1 s, so a reminder registered
/// before a restart fires within seconds after it. Disposing it deletes the file.
/// </summary>
public sealed class SqliteRestartableSilo(string name, Action<ISiloBuilder>? configure = null) : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"wpai-{name}-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _serviceId = $"wpai-{name}-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The SQLite file every start uses.</summary>
    public string DatabasePath => Path.Combine(_directory, "wpai.db");

    /// <summary>The service id every start uses (grain state is keyed by it).</summary>
    public string ServiceId => _serviceId;

    /// <summary>The grains' clock, shared by every start.</summary>
    public FakeTimeProvider Clock { get; } = new(ClusterFixture.Start);

    /// <summary>Starts a silo on the file (the first start creates it).</summary>
    public async Task<InProcessTestCluster> StartAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = _serviceId;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseWpaiStorage(new WpaiStorageOptions { Kind = StorageKind.Sqlite, SqlitePath = DatabasePath });
            silo.Services.AddKeyedSingleton<TimeProvider>(WpaiCluster.ClockKey, Clock);
            silo.AddWpaiGrains(o => o.AutoPass = false);
            silo.Configure<Orleans.Hosting.ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            configure?.Invoke(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
