using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using WPAI.Silo.Storage;

namespace WPAI.Grains.Tests.Storage;

/// <summary>A private temporary folder plus Orleans' serializer, for storage-provider tests without a silo.</summary>
public sealed class StorageTestContext : IDisposable
{
    private readonly ServiceProvider _services;

    public StorageTestContext()
    {
        Folder = Path.Combine(Path.GetTempPath(), "wpai-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        _services = new ServiceCollection()
            .AddSerializer(b => b.AddAssembly(typeof(StorageTestState).Assembly))
            .BuildServiceProvider();
        Serializer = _services.GetRequiredService<Serializer>();
        Activators = _services.GetRequiredService<IActivatorProvider>();
    }

    public string Folder { get; }

    public string DatabasePath => Path.Combine(Folder, "nested", "wpai.db");

    public Serializer Serializer { get; }

    public IActivatorProvider Activators { get; }

    public SqliteGrainStorage CreateSqlite(SqliteDurability durability = SqliteDurability.Normal, string serviceId = "wpai-tests")
    {
        var storage = new SqliteGrainStorage(
            "wpai",
            serviceId,
            new WpaiStorageOptions { Kind = StorageKind.Sqlite, SqlitePath = DatabasePath, SqliteDurability = durability },
            Serializer,
            Activators,
            NullLoggerFactory.Instance);
        storage.Open();
        return storage;
    }

    public PostgresGrainStorage CreatePostgres(string connection, string serviceId = "wpai-tests", int maxBatchSize = 512) =>
        new(
            "wpai",
            serviceId,
            new WpaiStorageOptions { Kind = StorageKind.Postgres, PostgresConnection = connection, PostgresMaxBatchSize = maxBatchSize },
            Serializer,
            Activators,
            NullLoggerFactory.Instance);

    public InMemoryGrainStorage CreateMemory() => new(_services.GetRequiredService<DeepCopier>(), Activators);

    public static GrainId NewGrainId() => GrainId.Create("wpai-test", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        _services.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
