using WPAI.Silo.Storage;

namespace WPAI.Grains.Tests.Storage;

public sealed class DatabaseInitializerTests
{
    [Fact]
    public async Task InitializeAsync_AppliesEveryScriptOnce_AndReportsTheSameVersionWhenRunAgain()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();

        var first = await DatabaseInitializer.InitializeAsync(database.ConnectionString);
        var second = await DatabaseInitializer.InitializeAsync(database.ConnectionString);

        Assert.Equal(0, first.PreviousVersion);
        Assert.Equal(first.LatestVersion, first.Version);
        Assert.Equal(["001-clustering.sql", "002-persistence.sql", "003-reminders.sql", "004-grain-state-storage.sql", "005-payload-compression.sql"], first.AppliedScripts);
        Assert.Equal(first.Version, second.Version);
        Assert.Equal(first.Version, second.PreviousVersion);
        Assert.Empty(second.AppliedScripts);
        Assert.Equal(database.Name, second.Database);
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM wpai_schema"));
        Assert.Equal(20L, await database.ScalarAsync<long>("SELECT count(*) FROM OrleansQuery"));
    }

    [Fact]
    public async Task InitializeAsync_AppliesTheSchemaOnce_WhenSeveralSilosStartAtOnce()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();

        var reports = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => DatabaseInitializer.InitializeAsync(database.ConnectionString)));

        Assert.All(reports, r => Assert.Equal(r.LatestVersion, r.Version));
        Assert.Equal(5, reports.Sum(r => r.AppliedScripts.Count));
    }

    [Fact]
    public async Task InitializeAsync_CompressesGrainStatePayloadsWithLz4()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();

        await DatabaseInitializer.InitializeAsync(database.ConnectionString);
        await database.ScalarAsync<int>("INSERT INTO wpai_grain_state (service_id, grain_type_hash, grain_type, grain_id_hash, grain_id_n0, grain_id_n1, version, payload) " +
            "VALUES ('s', 1, 't', 1, 0, 0, 1, convert_to(repeat('ledger row; ', 2000), 'UTF8'))");

        // 'l' = lz4 for the column, and the stored value (24 kB of text) compressed with it.
        Assert.Equal("l", await database.ScalarAsync<string>("SELECT attcompression::text FROM pg_attribute WHERE attrelid = 'wpai_grain_state'::regclass AND attname = 'payload'"));
        Assert.Equal("lz4", await database.ScalarAsync<string>("SELECT pg_column_compression(payload) FROM wpai_grain_state"));
    }

    [Fact]
    public async Task InitializeAsync_RefusesADatabaseWithANewerSchema()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var report = await DatabaseInitializer.InitializeAsync(database.ConnectionString);
        await database.ScalarAsync<int>($"UPDATE wpai_schema SET version = {report.LatestVersion + 1}");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => DatabaseInitializer.InitializeAsync(database.ConnectionString));

        Assert.Contains("newer than this build", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitializeAsync_SaysWhereItCouldNotConnect()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => DatabaseInitializer.InitializeAsync("Host=127.0.0.1;Port=1;Database=nowhere;Username=wpai;Timeout=2"));

        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
        Assert.Contains("nowhere", error.Message, StringComparison.Ordinal);
    }
}
