namespace WPAI.Grains.Tests.Storage;

/// <summary>The SQLite file's checkpoint interval, which sets how often the writer stops for a checkpoint's fsyncs.</summary>
public sealed class SqliteConnectionSettingsTests : IDisposable
{
    private const int PageWithFrameHeader = 4096 + 24;

    private readonly StorageTestContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task WriteStateAsync_KeepsMoreThanAThousandPagesInTheLog_BeforeACheckpoint()
    {
        await using var storage = _context.CreateSqlite();

        // Each awaited write is a transaction of its own and appends at least one page to the write-ahead log; SQLite's
        // default checkpoints at 1,000 pages and then reuses the log from its start, so it would never grow past that.
        for (var i = 0; i < 2_500; i++)
        {
            await storage.WriteStateAsync("job", StorageTestContext.NewGrainId(), new TestGrainState(new StorageTestState { Counter = i }));
        }

        var log = new FileInfo(_context.DatabasePath + "-wal");
        Assert.True(log.Length > 2_000L * PageWithFrameHeader, $"the write-ahead log holds {log.Length / PageWithFrameHeader} pages");
    }
}
