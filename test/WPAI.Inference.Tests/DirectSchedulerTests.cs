using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using WPAI.Inference.Batching;
using WPAI.Inference.Metrics;
using WPAI.Inference.Models;
using WPAI.Inference.Runtime;
using WPAI.Inference.Tensors;

namespace WPAI.Inference.Tests;

/// <summary>
/// The unbatched scheduler's queue bound (one instance, a queue of one): as many callers as it admits are never
/// refused, however their requests interleave; one more than that is.
/// </summary>
public sealed class DirectSchedulerTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "wpai-direct-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task CallersUpToInstancesPlusQueue_AreNeverRefused_EvenWhenOneArrivesAsTheSlotIsHandedOver()
    {
        // Each caller sends its next request as soon as its last returns (each run takes milliseconds, so the other caller
        // is always waiting): it arrives while that waiter has been handed the slot but has not yet resumed. Counting the
        // waiter as still queued refused about half of such arrivals.
        using var session = Open(TinyModels.Slow(), "slow");
        await using var scheduler = new DirectScheduler("slow/1", instanceCount: 1, maxQueueSize: 1, new BatchExecutor(session, new ModelStatistics(), TimeProvider.System, batched: false));
        var refused = 0;
        var wrong = 0;
        await Task.WhenAll(Enumerable.Range(0, 2).Select(caller => Task.Run(async () =>
        {
            for (var i = 0; i < 60; i++)
            {
                var value = (caller * 1000) + i;
                try
                {
                    var outputs = await scheduler.EnqueueAsync(Job([1, 2048], value), CancellationToken.None);
                    if (MemoryMarshal.Cast<byte, float>(outputs[0].Bytes)[2047] != value)
                    {
                        Interlocked.Increment(ref wrong);
                    }

                    foreach (var output in outputs)
                    {
                        output.Dispose();
                    }
                }
                catch (QueueFullException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        })));

        Assert.Equal(0, refused);
        Assert.Equal(0, wrong);
        Assert.Equal(0, scheduler.QueueLength);
    }

    [Fact]
    public async Task OneMoreThanInstancesPlusQueue_IsRefused_AndTheAdmittedOnesComplete()
    {
        using var session = Open(TinyModels.Slow(), "slow");
        await using var scheduler = new DirectScheduler("slow/1", instanceCount: 1, maxQueueSize: 1, new BatchExecutor(session, new ModelStatistics(), TimeProvider.System, batched: false));
        // Two callers at once: one runs, one waits (queue length 1). A round where the first finished before the second
        // arrived is repeated; at most 20 rounds.
        for (var round = 0; round < 20; round++)
        {
            var admitted = Enumerable.Range(0, 2).Select(_ => Task.Run(() => scheduler.EnqueueAsync(Job([1, 2048], 1), CancellationToken.None))).ToArray();
            while (scheduler.QueueLength == 0 && !admitted.All(t => t.IsCompleted))
            {
                await Task.Delay(1);
            }

            var full = scheduler.QueueLength == 1;
            Exception? third = null;
            if (full)
            {
                third = await Record.ExceptionAsync(() => scheduler.EnqueueAsync(Job([1, 2048], 1), CancellationToken.None));
            }

            foreach (var outputs in await Task.WhenAll(admitted))
            {
                Assert.Equal(1f, MemoryMarshal.Cast<byte, float>(outputs[0].Bytes)[2047]);
            }

            if (full)
            {
                var error = Assert.IsType<QueueFullException>(third);
                Assert.Contains("model 'slow/1' has 1 requests queued", error.Message, StringComparison.Ordinal);
                Assert.Equal(0, scheduler.QueueLength);
                return;
            }
        }

        Assert.Fail("in 20 rounds the second caller never waited behind the first");
    }

    private ModelSession Open(Onnx.ModelProto model, string name)
    {
        TinyModels.Write(model, _directory, name, null);
        return ModelSession.Open(Path.Combine(_directory, name, "1", "model.onnx"), ModelConfig.Default, name, NullLogger.Instance);
    }

    private static InferenceJob Job(long[] shape, float value)
    {
        var input = new TensorBuffer("x", TensorDataType.Fp32, shape);
        MemoryMarshal.Cast<byte, float>(input.Bytes).Fill(value);
        return new InferenceJob([input], rows: 1, TimeProvider.System.GetTimestamp());
    }
}
