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
        Assert.Equal(batches + storage.ReadCounters.Batches, storage.Statements); // a batch of first writes, updates or reads is one statement, whatever its size
        Assert.Equal(400L, await database.ScalarAsync<long>("SELECT count(*) FROM wpai_grain_state WHERE version = 2"));
    }

    [Fact]
    public async Task WriteStateAsync_SettlesEachWriteOfAMixedBatch_AsIfItWereAlone()
    {
        await using var database = await CreateDatabaseAsync();
        await using var storage = _context.CreatePostgres(database.ConnectionString);
        // Keys of every shape the table stores: a string key (the extension column), a Guid key and an integer key.
        GrainId Key(int i) => (i % 3) switch
        {
            0 => GrainId.Create("wpai-test", "job-" + Guid.NewGuid().ToString("N")[..8] + "-" + i),
            1 => GrainId.Create(GrainType.Create("wpai-test"), GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid())),
            _ => GrainId.Create(GrainType.Create("wpai-test"), GrainIdKeyExtensions.CreateIntegerKey(Random.Shared.NextInt64(), i % 2 == 0 ? null : "ext-" + i)),
        };
        var existing = Enumerable.Range(0, 50).Select(Key).ToArray();
        await Task.WhenAll(existing.Select((g, i) => storage.WriteStateAsync("job", g, new TestGrainState(new StorageTestState { Counter = i }))));
        var fresh = Enumerable.Range(100, 10).Select(Key).ToArray();
        var neverWritten = Enumerable.Range(200, 5).Select(Key).ToArray();
        var statementsBefore = storage.Statements;

        var states = existing.Select((_, i) => new TestGrainState(new StorageTestState { Counter = 1_000 + i }, i is >= 10 and < 20 ? "7" : i is >= 20 and < 30 ? null : "1")).ToArray();
        var freshStates = fresh.Select((_, i) => new TestGrainState(new StorageTestState { Counter = 2_000 + i })).ToArray();
        var outcomes = await Task.WhenAll(existing.Select((g, i) => Outcome(i switch
        {
            < 30 => storage.WriteStateAsync("job", g, states[i]),         // 0-9 current version, 10-19 stale, 20-29 none though a row exists
            < 40 => storage.ClearStateAsync("job", g, states[i]),         // current version
            _ => storage.ClearStateAsync("job", g, new TestGrainState()), // as if never written, though it was
        }))
            .Concat(fresh.Select((g, i) => Outcome(storage.WriteStateAsync("job", g, freshStates[i]))))
            .Concat(neverWritten.Select(g => Outcome(storage.ClearStateAsync("job", g, new TestGrainState())))));

        Assert.Equal(
            Enumerable.Repeat("ok", 10).Concat(Enumerable.Repeat("conflict", 20)).Concat(Enumerable.Repeat("ok", 10)).Concat(Enumerable.Repeat("conflict", 10))
                .Concat(Enumerable.Repeat("ok", 15)),
            outcomes);
        Assert.InRange(storage.Statements - statementsBefore, 1, 64); // the 5 absence checks one each, the rest grouped
        var read = await Task.WhenAll(existing.Concat(fresh).Concat(neverWritten).Select(async g =>
        {
            var state = new TestGrainState();
            await storage.ReadStateAsync("job", g, state);
            return (state.ETag, state.RecordExists, state.State.Counter);
        }));
        var expected = Enumerable.Range(0, 50).Select<int, (string?, bool, int)>(i => i switch
            {
                < 10 => ("2", true, 1_000 + i),
                < 30 => ("1", true, i),
                < 40 => ("2", false, 0),
                _ => ("1", true, i),
            })
            .Concat(Enumerable.Range(0, 10).Select<int, (string?, bool, int)>(i => ("1", true, 2_000 + i)))
            .Concat(Enumerable.Repeat<(string?, bool, int)>((null, false, 0), 5));
        Assert.Equal(expected, read);
        Assert.All(states.Take(10), s => Assert.Equal("2", s.ETag));
        Assert.All(freshStates, s => Assert.Equal("1", s.ETag));
    }

    [Fact]
    public async Task WriteStateAsync_TwoWritesOfOneGrainInOneBatch_OneLandsAndTheOtherConflicts()
    {
        await using var database = await CreateDatabaseAsync();
        await using var storage = _context.CreatePostgres(database.ConnectionString);
        var grains = Enumerable.Range(0, 40).Select(_ => StorageTestContext.NewGrainId()).ToArray();

        // Each grain written twice at once, both as its first write: exactly one of the two may store its payload.
        var outcomes = await Task.WhenAll(grains.SelectMany((g, i) => new[] { 1, 2 }.Select(async n =>
        {
            var state = new TestGrainState(new StorageTestState { Counter = n, Label = "grain-" + i });
            return (Grain: i, Counter: n, Stored: await Outcome(storage.WriteStateAsync("job", g, state)) == "ok");
        })));
        var read = await Task.WhenAll(grains.Select(async g =>
        {
            var state = new TestGrainState();
            await storage.ReadStateAsync("job", g, state);
            return (state.ETag, state.State.Counter);
        }));

        Assert.All(outcomes.GroupBy(o => o.Grain), pair => Assert.Single(pair, o => o.Stored));
        Assert.Equal(outcomes.Where(o => o.Stored).OrderBy(o => o.Grain).Select(o => ((string?)"1", o.Counter)), read.Select(r => (r.ETag, r.Counter)));
    }

    private static async Task<string> Outcome(Task write)
    {
        try
        {
            await write;
            return "ok";
        }
        catch (InconsistentStateException)
        {
            return "conflict";
        }
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
        Assert.Equal(storage.CommitCounters.Batches + batches, storage.Statements); // a batch of reads (or first writes) is one statement, whatever its size
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
