namespace WPAI.Grains.Tests.Storage;

/// <summary>The SQLite file's connection settings that the scheduling benchmark's CPU per placement depends on.</summary>
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

    [Fact]
    public async Task ReadStateAsync_ReadsThroughAMemoryMapOfTheFile()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /proc/self/maps is Linux's
        }

        var grain = StorageTestContext.NewGrainId();
        await using (var writer = _context.CreateSqlite())
        {
            await writer.WriteStateAsync("job", grain, new TestGrainState(new StorageTestState { Counter = 3 }));
        }

        await using var storage = _context.CreateSqlite();
        var read = new TestGrainState();
        await storage.ReadStateAsync("job", grain, read);

        Assert.Equal(3, read.State.Counter);
        var maps = await File.ReadAllLinesAsync("/proc/self/maps");
        Assert.Contains(maps, line => line.EndsWith(" " + _context.DatabasePath, StringComparison.Ordinal));
    }
}
