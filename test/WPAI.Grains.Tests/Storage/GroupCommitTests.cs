using WPAI.Grains.Storage;

namespace WPAI.Grains.Tests.Storage;

/// <summary>
/// <see cref="GroupCommit"/> on its own, run on one exclusive scheduler as a grain's turns are: callers that arrive
/// while a write is in flight share the next write; a caller returns only after a write that started after its change
/// completed; a failed write fails every caller that joined it, and its changes go out with the next write.
/// </summary>
public sealed class GroupCommitTests
{
    [Fact]
    public Task PersistAsync_SharesTheNextWrite_AmongCallsArrivingWhileOneIsInFlight() => OnOneScheduler(async () =>
    {
        var store = new Store();
        var commit = new GroupCommit(store.WriteAsync);

        store.Value = 1;
        var first = commit.PersistAsync();
        var joined = Enumerable.Range(2, 10).Select(v =>
        {
            store.Value = v;
            return commit.PersistAsync();
        }).ToArray();

        Assert.Single(store.Started);
        Assert.All(joined, t => Assert.Same(joined[0], t));
        store.CompleteNext();
        await first;
        Assert.False(joined[0].IsCompleted); // its changes are not in the first write
        await WhenStartedAsync(store, 2);
        store.CompleteNext();
        await Task.WhenAll(joined);

        Assert.Equal([1, 11], store.Started);
        Assert.Equal(11, store.Stored);
    });

    [Fact]
    public Task PersistAsync_AfterAWriteStarted_WaitsForTheNextWrite() => OnOneScheduler(async () =>
    {
        var store = new Store();
        var commit = new GroupCommit(store.WriteAsync);

        store.Value = 1;
        var first = commit.PersistAsync();
        store.Value = 2;
        var second = commit.PersistAsync();
        store.CompleteNext();
        await first;

        Assert.Equal(1, store.Stored);
        Assert.False(second.IsCompleted);
        await WhenStartedAsync(store, 2);
        store.CompleteNext();
        await second;
        Assert.Equal(2, store.Stored);
    });

    [Fact]
    public Task PersistAsync_WhenTheWriteFails_FailsEveryJoinedCall_AndTheNextWriteCarriesTheChanges() => OnOneScheduler(async () =>
    {
        var store = new Store();
        var commit = new GroupCommit(store.WriteAsync);

        store.Value = 1;
        var first = commit.PersistAsync();
        store.Value = 2;
        var a = commit.PersistAsync();
        store.Value = 3;
        var b = commit.PersistAsync();
        store.CompleteNext();
        await first;
        await WhenStartedAsync(store, 2);
        store.FailNext();

        await Assert.ThrowsAsync<IOException>(() => a);
        await Assert.ThrowsAsync<IOException>(() => b);
        Assert.Equal(1, store.Stored);
        Assert.True(commit.Dirty); // the failed write's changes are still to be stored

        // A repeat of one of those changes (an idempotent call finding it already applied) writes them.
        var repeat = commit.WhenWrittenAsync();
        await WhenStartedAsync(store, 3);
        store.CompleteNext();
        await repeat;
        Assert.Equal(3, store.Stored);
        Assert.False(commit.Dirty);
    });

    [Fact]
    public Task WhenWrittenAsync_WaitsForTheWriteInFlight_AndWritesNothingWhenAllIsStored() => OnOneScheduler(async () =>
    {
        var store = new Store();
        var commit = new GroupCommit(store.WriteAsync);

        store.Value = 1;
        var write = commit.PersistAsync();
        var repeat = commit.WhenWrittenAsync();
        Assert.False(repeat.IsCompleted);
        store.CompleteNext();
        await Task.WhenAll(write, repeat);

        await commit.WhenWrittenAsync();
        Assert.Single(store.Started);
    });

    [Fact]
    public Task DrainAsync_AfterAFailedWrite_WritesItsChanges() => OnOneScheduler(async () =>
    {
        var store = new Store();
        var commit = new GroupCommit(store.WriteAsync);

        store.Value = 7;
        var write = commit.PersistAsync();
        store.FailNext();
        await Assert.ThrowsAsync<IOException>(() => write);

        var drain = commit.DrainAsync();
        await WhenStartedAsync(store, 2);
        store.CompleteNext();
        await drain;
        Assert.Equal(7, store.Stored);
    });

    /// <summary>Runs <paramref name="body"/> and every continuation on one exclusive scheduler, as a grain's turns run.</summary>
    private static Task OnOneScheduler(Func<Task> body) =>
        Task.Factory.StartNew(body, CancellationToken.None, TaskCreationOptions.None, new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler).Unwrap();

    /// <summary>Lets the scheduler run queued turns until the store has seen <paramref name="count"/> writes start.</summary>
    private static async Task WhenStartedAsync(Store store, int count)
    {
        for (var i = 0; i < 1_000 && store.Started.Count < count; i++)
        {
            await Task.Yield();
        }

        Assert.Equal(count, store.Started.Count);
    }

    /// <summary>A store whose writes complete or fail when the test says, recording the value each write started with.</summary>
    private sealed class Store
    {
        private readonly Queue<(int Value, TaskCompletionSource Done)> _inFlight = new();

        public int Value { get; set; }

        public int Stored { get; private set; }

        public List<int> Started { get; } = [];

        public Task WriteAsync()
        {
            Started.Add(Value);
            var done = new TaskCompletionSource();
            _inFlight.Enqueue((Value, done));
            return done.Task;
        }

        public void CompleteNext()
        {
            var (value, done) = _inFlight.Dequeue();
            Stored = value;
            done.SetResult();
        }

        public void FailNext() => _inFlight.Dequeue().Done.SetException(new IOException("disk full"));
    }
}
