using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using WPAI.Silo.Storage;

namespace WPAI.Grains.Tests.Storage;

/// <summary>WPAI's SQLite reminder table against Orleans' <see cref="IReminderTable"/> contract, without a silo.</summary>
public sealed class SqliteReminderTableTests : IDisposable
{
    private static readonly DateTime Start = new(2026, 1, 5, 8, 0, 0, DateTimeKind.Utc);

    private readonly StorageTestContext _context = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _context.Dispose();
    }

    private async Task<SqliteReminderTable> OpenAsync(string serviceId = "wpai-tests")
    {
        var table = new SqliteReminderTable(serviceId, new WpaiStorageOptions { Kind = StorageKind.Sqlite, SqlitePath = _context.DatabasePath }, NullLogger<SqliteReminderTable>.Instance);
        await table.StartAsync(CancellationToken.None);
        return table;
    }

    private static ReminderEntry Entry(GrainId grain, string name, int minutes = 1) =>
        new() { GrainId = grain, ReminderName = name, StartAt = Start, Period = TimeSpan.FromMinutes(minutes) };

    [Fact]
    public async Task UpsertRow_ThenReadRow_ReturnsTheEntry_WithANewETagOnEveryUpsert()
    {
        using var table = await OpenAsync();
        var grain = StorageTestContext.NewGrainId();

        var first = await table.UpsertRow(Entry(grain, "tick"));
        var second = await table.UpsertRow(Entry(grain, "tick", minutes: 5));
        var read = await table.ReadRow(grain, "tick");

        Assert.Equal("1", first);
        Assert.Equal("2", second);
        Assert.NotNull(read);
        Assert.Equal((grain, "tick", Start, TimeSpan.FromMinutes(5), "2"), (read.GrainId, read.ReminderName, read.StartAt, read.Period, read.ETag));
        Assert.Equal(DateTimeKind.Utc, read.StartAt.Kind);
        Assert.Null(await table.ReadRow(grain, "other"));
    }

    [Fact]
    public async Task RemoveRow_RemovesOnlyWithTheCurrentETag()
    {
        using var table = await OpenAsync();
        var grain = StorageTestContext.NewGrainId();
        var etag = await table.UpsertRow(Entry(grain, "tick"));

        Assert.False(await table.RemoveRow(grain, "tick", "99"));
        Assert.False(await table.RemoveRow(grain, "tick", "not-a-number"));
        Assert.True(await table.RemoveRow(grain, "tick", etag!));
        Assert.False(await table.RemoveRow(grain, "tick", etag!));
        Assert.Null(await table.ReadRow(grain, "tick"));
    }

    [Fact]
    public async Task ReadRows_OfAGrain_ReturnsItsRemindersOnly()
    {
        using var table = await OpenAsync();
        var a = StorageTestContext.NewGrainId();
        var b = StorageTestContext.NewGrainId();
        await table.UpsertRow(Entry(a, "tick"));
        await table.UpsertRow(Entry(a, "check"));
        await table.UpsertRow(Entry(b, "tick"));

        var rows = await table.ReadRows(a);

        Assert.Equal(["check", "tick"], rows.Reminders.Select(r => r.ReminderName).Order(StringComparer.Ordinal));
        Assert.All(rows.Reminders, r => Assert.Equal(a, r.GrainId));
    }

    [Fact]
    public async Task ReadRows_OfAHashRange_IsHalfOpen_AndWrapsAroundTheRing()
    {
        using var table = await OpenAsync();
        var grains = Enumerable.Range(0, 40).Select(_ => StorageTestContext.NewGrainId()).ToList();
        foreach (var grain in grains)
        {
            await table.UpsertRow(Entry(grain, "tick"));
        }

        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToList();
        var (begin, end) = (hashes[9], hashes[29]);

        var inside = await table.ReadRows(begin, end);
        var wrapped = await table.ReadRows(end, begin);
        var all = await table.ReadRows(begin, begin);

        Assert.Equal(hashes.Where(h => h > begin && h <= end), inside.Reminders.Select(r => r.GrainId.GetUniformHashCode()).Order());
        Assert.Equal(hashes.Where(h => h > end || h <= begin), wrapped.Reminders.Select(r => r.GrainId.GetUniformHashCode()).Order());
        Assert.Equal(40, all.Reminders.Count);
    }

    [Fact]
    public async Task Rows_SurviveReopening_AndStayWithinTheirServiceId()
    {
        var grain = StorageTestContext.NewGrainId();
        using (var first = await OpenAsync())
        {
            await first.UpsertRow(Entry(grain, "tick"));
            Assert.Equal(1, first.SchemaVersion);
        }

        using var again = await OpenAsync();
        using var other = await OpenAsync("another-service");
        Assert.Equal("1", (await again.ReadRow(grain, "tick"))?.ETag);
        Assert.Null(await other.ReadRow(grain, "tick"));
        Assert.Equal(1, again.SchemaVersion);
    }

    [Fact]
    public async Task Schema_IsItsOwnComponent_BesideTheGrainStateSchema_AndAppliedOnce()
    {
        await using (var storage = _context.CreateSqlite())
        {
            using var first = await OpenAsync();
            using var second = await OpenAsync();
        }

        await using var connection = new SqliteConnection($"Data Source={_context.DatabasePath};Pooling=False");
        connection.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT component, version FROM wpai_schema ORDER BY component;";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, long)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        Assert.Equal([("sqlite-grain-state", 1L), (SqliteReminderTable.SchemaComponent, 1L)], rows);
    }

    [Fact]
    public async Task Calls_FailWithAClearError_BeforeStart()
    {
        using var table = new SqliteReminderTable("wpai-tests", new WpaiStorageOptions { Kind = StorageKind.Sqlite, SqlitePath = _context.DatabasePath }, NullLogger<SqliteReminderTable>.Instance);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => table.ReadRows(StorageTestContext.NewGrainId()));

        Assert.Contains("is not open", error.Message, StringComparison.Ordinal);
    }
}
