using Microsoft.Data.Sqlite;
using Orleans.Storage;
using WPAI.Silo.Storage;

namespace WPAI.Grains.Tests.Storage;

public sealed class SqliteGrainStorageTests : IDisposable
{
    private readonly StorageTestContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task ReadStateAsync_ReturnsNewStateWithoutETag_WhenNothingIsStored()
    {
        await using var storage = _context.CreateSqlite();
        var state = new TestGrainState(new StorageTestState { Counter = 99 });

        await storage.ReadStateAsync("job", StorageTestContext.NewGrainId(), state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(0, state.State.Counter);
    }

    [Fact]
    public async Task ReadStateAsync_ReturnsWrittenState_AfterRoundTrip()
    {
        await using var storage = _context.CreateSqlite();
        var grain = StorageTestContext.NewGrainId();
        var written = new TestGrainState(new StorageTestState { Counter = 7, Label = "t4-pool", Items = ["a", "b"] });

        await storage.WriteStateAsync("job", grain, written);
        var read = new TestGrainState(new StorageTestState());
        await storage.ReadStateAsync("job", grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("1", read.ETag);
        Assert.Equal(7, read.State.Counter);
        Assert.Equal("t4-pool", read.State.Label);
        Assert.Equal(["a", "b"], read.State.Items);
        Assert.NotSame(written.State, read.State);
    }

    [Fact]
    public async Task ReadStateAsync_KeepsStateNamesAndGrainsApart()
    {
        await using var storage = _context.CreateSqlite();
        var grain = StorageTestContext.NewGrainId();
        await storage.WriteStateAsync("job", grain, new TestGrainState(new StorageTestState { Counter = 1 }));
        await storage.WriteStateAsync("usage", grain, new TestGrainState(new StorageTestState { Counter = 2 }));

        var job = new TestGrainState();
        var usage = new TestGrainState();
        var other = new TestGrainState();
        await storage.ReadStateAsync("job", grain, job);
        await storage.ReadStateAsync("usage", grain, usage);
        await storage.ReadStateAsync("job", StorageTestContext.NewGrainId(), other);

        Assert.Equal(1, job.State.Counter);
        Assert.Equal(2, usage.State.Counter);
        Assert.False(other.RecordExists);
    }

    [Fact]
    public async Task WriteStateAsync_ThrowsInconsistentState_WhenETagIsStale()
    {
        await using var storage = _context.CreateSqlite();
        var grain = StorageTestContext.NewGrainId();
        await storage.WriteStateAsync("job", grain, new TestGrainState(new StorageTestState { Counter = 1 }));
        var first = new TestGrainState();
        var second = new TestGrainState();
        await storage.ReadStateAsync("job", grain, first);
        await storage.ReadStateAsync("job", grain, second);

        first.State.Counter = 2;
        await storage.WriteStateAsync("job", grain, first);
        second.State.Counter = 3;
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("job", grain, second));

        Assert.Equal("2", error.StoredEtag);
        Assert.Equal("1", error.CurrentEtag);
        var stored = new TestGrainState();
        await storage.ReadStateAsync("job", grain, stored);
        Assert.Equal(2, stored.State.Counter);
        Assert.Equal("2", stored.ETag);
    }

    [Fact]
    public async Task WriteStateAsync_ThrowsInconsistentState_WhenCallerThinksNothingIsStored()
    {
        await using var storage = _context.CreateSqlite();
        var grain = StorageTestContext.NewGrainId();
        await storage.WriteStateAsync("job", grain, new TestGrainState(new StorageTestState { Counter = 1 }));

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync("job", grain, new TestGrainState(new StorageTestState { Counter = 5 })));

        var stored = new TestGrainState();
        await storage.ReadStateAsync("job", grain, stored);
        Assert.Equal(1, stored.State.Counter);
    }

    [Fact]
    public async Task WriteStateAsync_Throws_WhenETagWasNotIssuedByTheStorage()
    {
        await using var storage = _context.CreateSqlite();
        var state = new TestGrainState(new StorageTestState(), "W/\"abc\"");

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("job", StorageTestContext.NewGrainId(), state));
    }

    [Fact]
    public async Task ClearStateAsync_RemovesTheState_AndAFreshWriteStartsOver()
    {
        await using var storage = _context.CreateSqlite();
        var grain = StorageTestContext.NewGrainId();
        var state = new TestGrainState(new StorageTestState { Counter = 4 });
        await storage.WriteStateAsync("job", grain, state);
        await storage.WriteStateAsync("job", grain, state);

        await storage.ClearStateAsync("job", grain, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(0, state.State.Counter);
        var read = new TestGrainState();
        await storage.ReadStateAsync("job", grain, read);
        Assert.False(read.RecordExists);
        state.State.Counter = 8;
        await storage.WriteStateAsync("job", grain, state);
        Assert.Equal("1", state.ETag);
    }

    [Fact]
    public async Task ClearStateAsync_ThrowsInconsistentState_WhenETagIsStale()
    {
        await using var storage = _context.CreateSqlite();
        var grain = StorageTestContext.NewGrainId();
        var current = new TestGrainState(new StorageTestState { Counter = 1 });
        await storage.WriteStateAsync("job", grain, current);
        var stale = new TestGrainState(new StorageTestState(), current.ETag);
        await storage.WriteStateAsync("job", grain, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("job", grain, stale));

        var read = new TestGrainState();
        await storage.ReadStateAsync("job", grain, read);
        Assert.True(read.RecordExists);
    }

    [Fact]
    public async Task State_SurvivesClosingAndReopeningTheFile_WithANewProviderInstance()
    {
        var grain = StorageTestContext.NewGrainId();
        string etag;
        await using (var first = _context.CreateSqlite())
        {
            var state = new TestGrainState(new StorageTestState { Counter = 41, Label = "before restart" });
            await first.WriteStateAsync("job", grain, state);
            state.State.Counter = 42;
            await first.WriteStateAsync("job", grain, state);
            etag = state.ETag!;
        }

        await using var second = _context.CreateSqlite();
        var read = new TestGrainState();
        await second.ReadStateAsync("job", grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal(42, read.State.Counter);
        Assert.Equal("before restart", read.State.Label);
        Assert.Equal(etag, read.ETag);
        Assert.Equal(1, second.SchemaVersion);
    }

    [Fact]
    public async Task Open_RecordsSchemaVersionOnce_WhenAppliedRepeatedly()
    {
        await using (var first = _context.CreateSqlite())
        {
            Assert.Equal(1, first.SchemaVersion);
        }

        await using (var second = _context.CreateSqlite())
        {
            Assert.Equal(1, second.SchemaVersion);
        }

        await using var connection = new SqliteConnection($"Data Source={_context.DatabasePath};Pooling=False");
        connection.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*), max(version) FROM wpai_schema; PRAGMA journal_mode;";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(reader.Read());
        Assert.Equal(1L, reader.GetInt64(0));
        Assert.Equal(1L, reader.GetInt64(1));
        Assert.True(reader.NextResult());
        Assert.True(reader.Read());
        Assert.Equal("wal", reader.GetString(0));
    }

    [Fact]
    public async Task States_OfDifferentServices_DoNotMix()
    {
        var grain = StorageTestContext.NewGrainId();
        await using (var a = _context.CreateSqlite(serviceId: "service-a"))
        {
            await a.WriteStateAsync("job", grain, new TestGrainState(new StorageTestState { Counter = 1 }));
        }

        await using var b = _context.CreateSqlite(serviceId: "service-b");
        var read = new TestGrainState();
        await b.ReadStateAsync("job", grain, read);
        Assert.False(read.RecordExists);
    }

    [Theory]
    [InlineData(SqliteDurability.Normal)]
    [InlineData(SqliteDurability.Full)]
    public async Task WriteStateAsync_LosesNoWrite_WhenManyGrainsWriteConcurrently(SqliteDurability durability)
    {
        const int Grains = 64;
        const int WritesPerGrain = 40;
        var grains = Enumerable.Range(0, Grains).Select(_ => StorageTestContext.NewGrainId()).ToArray();
        await using (var storage = _context.CreateSqlite(durability))
        {
            // Each grain writes sequentially (as Orleans does per grain); all grains write at once, so writes pile up
            // in the queue and the writer commits them in shared transactions.
            await Task.WhenAll(grains.Select(grain => Task.Run(async () =>
            {
                var state = new TestGrainState(new StorageTestState { Label = grain.ToString() });
                for (var i = 1; i <= WritesPerGrain; i++)
                {
                    state.State.Counter = i;
                    state.State.Items.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    await storage.WriteStateAsync("job", grain, state);
                    Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), state.ETag);
                }
            })));

            var (writes, batches) = storage.CommitCounters;
            Assert.Equal(Grains * WritesPerGrain, writes);
            Assert.True(batches < writes, $"expected group commit to share transactions: {writes} writes in {batches} transactions");
        }

        await using var reopened = _context.CreateSqlite(durability);
        foreach (var grain in grains)
        {
            var read = new TestGrainState();
            await reopened.ReadStateAsync("job", grain, read);
            Assert.Equal(WritesPerGrain, read.State.Counter);
            Assert.Equal(WritesPerGrain, read.State.Items.Count);
            Assert.Equal(grain.ToString(), read.State.Label);
            Assert.Equal(WritesPerGrain.ToString(System.Globalization.CultureInfo.InvariantCulture), read.ETag);
        }
    }

    [Fact]
    public async Task WriteStateAsync_FailsOnlyTheConflictingWrite_InASharedBatch()
    {
        await using var storage = _context.CreateSqlite();
        var contested = StorageTestContext.NewGrainId();
        await storage.WriteStateAsync("job", contested, new TestGrainState(new StorageTestState { Counter = 1 }));

        // Many writers on fresh grains plus several stale writers on one grain, all queued together.
        var fresh = Enumerable.Range(0, 50).Select(_ => StorageTestContext.NewGrainId()).ToArray();
        var freshWrites = fresh.Select(g => storage.WriteStateAsync("job", g, new TestGrainState(new StorageTestState { Counter = 5 }))).ToArray();
        var staleWrites = Enumerable.Range(0, 5)
            .Select(i => storage.WriteStateAsync("job", contested, new TestGrainState(new StorageTestState { Counter = 100 + i }, "1")))
            .ToArray();

        await Task.WhenAll(freshWrites);
        var outcomes = await Task.WhenAll(staleWrites.Select(async t =>
        {
            try
            {
                await t;
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));

        Assert.Equal(1, outcomes.Count(ok => ok));
        foreach (var grain in fresh)
        {
            var read = new TestGrainState();
            await storage.ReadStateAsync("job", grain, read);
            Assert.Equal(5, read.State.Counter);
        }
    }
}
