using Orleans.Storage;

namespace WPAI.Grains.Tests.Storage;

public sealed class InMemoryGrainStorageTests : IDisposable
{
    private readonly StorageTestContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task ReadStateAsync_ReturnsACopyOfTheWrittenState()
    {
        var storage = _context.CreateMemory();
        var grain = StorageTestContext.NewGrainId();
        var written = new TestGrainState(new StorageTestState { Counter = 3, Items = ["x"] });
        await storage.WriteStateAsync("job", grain, written);
        written.State.Items.Add("changed after the write");

        var read = new TestGrainState();
        await storage.ReadStateAsync("job", grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal("1", read.ETag);
        Assert.Equal(["x"], read.State.Items);
    }

    [Fact]
    public async Task ReadStateAsync_ReturnsAFreshCopyEachTime()
    {
        var storage = _context.CreateMemory();
        var grain = StorageTestContext.NewGrainId();
        await storage.WriteStateAsync("job", grain, new TestGrainState(new StorageTestState { Counter = 1, Label = "a", Items = ["x"] }));

        var first = new TestGrainState();
        await storage.ReadStateAsync("job", grain, first);
        first.State.Items.Add("changed by the first reader, never written");
        first.State.Counter = 99;
        var second = new TestGrainState();
        await storage.ReadStateAsync("job", grain, second);

        Assert.NotSame(first.State, second.State);
        Assert.Equal(1, second.State.Counter);
        Assert.Equal("a", second.State.Label);
        Assert.Equal(["x"], second.State.Items);
    }

    [Fact]
    public async Task WriteStateAsync_StoresTheStateAsOfTheWrite_WhenWrittenAgainAfterChanges()
    {
        var storage = _context.CreateMemory();
        var grain = StorageTestContext.NewGrainId();
        var state = new TestGrainState(new StorageTestState { Counter = 1, Items = ["x"] });
        await storage.WriteStateAsync("job", grain, state);
        state.State.Counter = 2;
        state.State.Items.Add("y");
        await storage.WriteStateAsync("job", grain, state);
        state.State.Items.Add("z, after the second write");

        var read = new TestGrainState();
        await storage.ReadStateAsync("job", grain, read);

        Assert.Equal("2", read.ETag);
        Assert.Equal(2, read.State.Counter);
        Assert.Equal(["x", "y"], read.State.Items);
    }

    [Fact]
    public async Task WriteStateAsync_ThrowsInconsistentState_WhenETagIsStale()
    {
        var storage = _context.CreateMemory();
        var grain = StorageTestContext.NewGrainId();
        var first = new TestGrainState(new StorageTestState { Counter = 1 });
        await storage.WriteStateAsync("job", grain, first);
        var stale = new TestGrainState(new StorageTestState { Counter = 9 }, first.ETag);
        await storage.WriteStateAsync("job", grain, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("job", grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync("job", grain, new TestGrainState(new StorageTestState())));

        var read = new TestGrainState();
        await storage.ReadStateAsync("job", grain, read);
        Assert.Equal(1, read.State.Counter);
        Assert.Equal("2", read.ETag);
    }

    [Fact]
    public async Task ClearStateAsync_RemovesTheState()
    {
        var storage = _context.CreateMemory();
        var grain = StorageTestContext.NewGrainId();
        var state = new TestGrainState(new StorageTestState { Counter = 1 });
        await storage.WriteStateAsync("job", grain, state);

        await storage.ClearStateAsync("job", grain, state);

        Assert.Null(state.ETag);
        Assert.Equal(0, storage.Count);
        var read = new TestGrainState();
        await storage.ReadStateAsync("job", grain, read);
        Assert.False(read.RecordExists);
    }
}
