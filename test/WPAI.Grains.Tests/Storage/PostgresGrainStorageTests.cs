using Orleans.Storage;
using WPAI.Silo.Storage;

namespace WPAI.Grains.Tests.Storage;

/// <summary><see cref="PostgresGrainStorage"/> against a real PostgreSQL (a fresh database per test, schema applied).</summary>
public sealed class PostgresGrainStorageTests : IDisposable
{
    private readonly StorageTestContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task ReadStateAsync_ReturnsWrittenState_AndNothingForAnotherGrainOrStateName()
    {
        await using var database = await CreateDatabaseAsync();
        await using var storage = _context.CreatePostgres(database.ConnectionString);
        var grain = StorageTestContext.NewGrainId();
        var empty = new TestGrainState(new StorageTestState { Counter = 99 });
        await storage.ReadStateAsync("job", grain, empty);

        await storage.WriteStateAsync("job", grain, new TestGrainState(new StorageTestState { Counter = 7, Label = "t4-pool", Items = ["a", "b"] }));
        await storage.WriteStateAsync("usage", grain, new TestGrainState(new StorageTestState { Counter = 2 }));
        var job = new TestGrainState();
        var usage = new TestGrainState();
        var other = new TestGrainState();
        await storage.ReadStateAsync("job", grain, job);
        await storage.ReadStateAsync("usage", grain, usage);
        await storage.ReadStateAsync("job", StorageTestContext.NewGrainId(), other);

        Assert.False(empty.RecordExists);
        Assert.Null(empty.ETag);
        Assert.Equal(0, empty.State.Counter);
        Assert.True(job.RecordExists);
        Assert.Equal("1", job.ETag);
        Assert.Equal((7, "t4-pool"), (job.State.Counter, job.State.Label));
        Assert.Equal(["a", "b"], job.State.Items);
        Assert.Equal(2, usage.State.Counter);
        Assert.False(other.RecordExists);
    }

    [Fact]
    public async Task WriteStateAsync_ThrowsInconsistentState_ForAStaleETagOrAnUnexpectedRow_AndChangesNothing()
    {
        await using var database = await CreateDatabaseAsync();
        await using var storage = _context.CreatePostgres(database.ConnectionString);
        var grain = StorageTestContext.NewGrainId();
        await storage.WriteStateAsync("job", grain, new TestGrainState(new StorageTestState { Counter = 1 }));
        var first = new TestGrainState();
        var second = new TestGrainState();
        await storage.ReadStateAsync("job", grain, first);
        await storage.ReadStateAsync("job", grain, second);

        first.State.Counter = 2;
        await storage.WriteStateAsync("job", grain, first);
        second.State.Counter = 3;
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("job", grain, second));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("job", grain, new TestGrainState(new StorageTestState { Counter = 4 })));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("job", grain, new TestGrainState { ETag = "v7" }));

        var read = new TestGrainState();
        await storage.ReadStateAsync("job", grain, read);
        Assert.Equal(("2", 2), (read.ETag, read.State.Counter));
    }

    [Fact]
    public async Task ClearStateAsync_KeepsCountingTheVersion_AndTheNextWriteNamesIt()
    {
        await using var database = await CreateDatabaseAsync();
        await using var storage = _context.CreatePostgres(database.ConnectionString);
        var grain = StorageTestContext.NewGrainId();
        var state = new TestGrainState(new StorageTestState { Counter = 5 });
        await storage.WriteStateAsync("job", grain, state);
        var stale = new TestGrainState { ETag = state.ETag };

        await storage.ClearStateAsync("job", grain, state);
        var cleared = new TestGrainState();
        await storage.ReadStateAsync("job", grain, cleared);
        var afterClear = (cleared.ETag, cleared.RecordExists, cleared.State.Counter);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("job", grain, stale));
        await storage.ClearStateAsync("never-written", grain, new TestGrainState());
        cleared.State.Counter = 6;
        await storage.WriteStateAsync("job", grain, cleared);

        Assert.Equal(("2", false, 0), (state.ETag, state.RecordExists, state.State.Counter));
        Assert.Equal(("2", false, 0), afterClear);
        Assert.Equal("3", cleared.ETag);
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM wpai_grain_state WHERE grain_type = 'job'"));
    }

    [Fact]
    public async Task WriteStateAsync_GroupCommitsConcurrentWrites_AndEachLandsOnce()
    {
        await using var database = await CreateDatabaseAsync();
        await using var storage = _context.CreatePostgres(database.ConnectionString);
        var grains = Enumerable.Range(0, 400).Select(_ => StorageTestContext.NewGrainId()).ToArray();

        await Task.WhenAll(grains.Select(g => storage.WriteStateAsync("job", g, new TestGrainState(new StorageTestState { Counter = 1 }))));
        var states = grains.Select(_ => new TestGrainState()).ToArray();
        await Task.WhenAll(grains.Select((g, i) => storage.ReadStateAsync("job", g, states[i])));
        await Task.WhenAll(grains.Select((g, i) =>
        {
            states[i].State.Counter = 2;
            return storage.WriteStateAsync("job", g, states[i]);
        }));

        var (writes, batches) = storage.CommitCounters;
        Assert.Equal(800, writes);
        Assert.InRange(batches, 2, 799);
        Assert.Equal(400L, await database.ScalarAsync<long>("SELECT count(*) FROM wpai_grain_state WHERE version = 2"));
    }

    [Fact]
    public async Task ReadStateAsync_GroupsConcurrentReads_AndEachGetsItsOwnRow()
    {
        await using var database = await CreateDatabaseAsync();
        await using var storage = _context.CreatePostgres(database.ConnectionString);
        var grains = Enumerable.Range(0, 400).Select(_ => StorageTestContext.NewGrainId()).ToArray();
        await Task.WhenAll(grains.Select((g, i) => storage.WriteStateAsync("job", g, new TestGrainState(new StorageTestState { Counter = i }))));

        var states = grains.Select(_ => new TestGrainState()).ToArray();
        var absent = new TestGrainState();
        await Task.WhenAll(grains.Select((g, i) => storage.ReadStateAsync("job", g, states[i])).Append(storage.ReadStateAsync("job", StorageTestContext.NewGrainId(), absent)));

        var (reads, batches) = storage.ReadCounters;
        Assert.Equal(401, reads);
        Assert.InRange(batches, 1, 400);
        Assert.Equal(Enumerable.Range(0, 400), states.Select(s => s.State.Counter));
        Assert.All(states, s => Assert.Equal(("1", true), (s.ETag, s.RecordExists)));
        Assert.Equal((null, false), (absent.ETag, absent.RecordExists));
    }

    [Fact]
    public async Task State_SurvivesANewProviderInstance_AndOtherServicesDoNotSeeIt()
    {
        await using var database = await CreateDatabaseAsync();
        var grain = StorageTestContext.NewGrainId();
        await using (var storage = _context.CreatePostgres(database.ConnectionString))
        {
            await storage.WriteStateAsync("job", grain, new TestGrainState(new StorageTestState { Counter = 11 }));
        }

        await using var again = _context.CreatePostgres(database.ConnectionString);
        await using var otherService = _context.CreatePostgres(database.ConnectionString, serviceId: "another-service");
        var read = new TestGrainState();
        var foreign = new TestGrainState();
        await again.ReadStateAsync("job", grain, read);
        await otherService.ReadStateAsync("job", grain, foreign);

        Assert.Equal((true, 11), (read.RecordExists, read.State.Counter));
        Assert.False(foreign.RecordExists);
    }

    private static async Task<PostgresTestDatabase> CreateDatabaseAsync()
    {
        var database = await PostgresTestDatabase.CreateAsync();
        await DatabaseInitializer.InitializeAsync(database.ConnectionString);
        return database;
    }
}
