namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// A pass after a watermark runs only once the pool has applied every one-way message up to it (<c>PoolStamp</c>);
/// a caller can wait for them, bounded, with an error that names what is missing.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DeliveryBarrierTests(ClusterFixture fixture)
{
    [Fact]
    public async Task RunPassAfter_ReturnsNull_UntilEveryStampedMessageUpToTheWatermarkArrived()
    {
        var pool = fixture.Grains.GetGrain<IPoolSchedulerGrain>("barrier-" + Guid.NewGuid().ToString("N"));
        var origin = Guid.NewGuid().ToString("N");
        var watermark = new PoolStamp(origin, 2);

        Assert.Equal(0, await pool.RunPassAfterAsync(new PoolStamp(origin, 0)));
        Assert.Null(await pool.RunPassAfterAsync(watermark));

        var waiting = pool.AwaitDeliveredAsync(watermark, TimeSpan.FromSeconds(20));
        await pool.RemoveAsync("no-such-job", null, new PoolStamp(origin, 2)); // arrives ahead of message 1
        Assert.Null(await pool.RunPassAfterAsync(watermark));
        Assert.False(waiting.IsCompleted);

        await pool.RemoveAsync("no-such-job", null, new PoolStamp(origin, 1));
        await waiting;
        Assert.Equal(0, await pool.RunPassAfterAsync(watermark));
    }

    [Fact]
    public async Task AwaitDelivered_ThrowsNamingThePoolAndTheMissingMessages_WhenOneNeverArrives()
    {
        var name = "barrier-" + Guid.NewGuid().ToString("N");
        var pool = fixture.Grains.GetGrain<IPoolSchedulerGrain>(name);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => pool.AwaitDeliveredAsync(new PoolStamp("lost", 1), TimeSpan.FromMilliseconds(50)));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains("1…1", error.Message, StringComparison.Ordinal);
        Assert.Contains("applied 1…0", error.Message, StringComparison.Ordinal);
    }
}
