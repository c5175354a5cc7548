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
/// refused, however their requests interleave; callers beyond that are.
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
        await using var scheduler = OneInstanceQueueOfOne(session);
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
    public async Task BeyondInstancesPlusQueue_CallersAreRefused_AndTheAdmittedOnesComplete()
    {
        using var session = Open(TinyModels.Slow(), "slow");
        await using var scheduler = OneInstanceQueueOfOne(session);
        // Bursts of 16 callers at once against room for two (each run takes milliseconds); a burst in which no caller
        // found two ahead of it is repeated, at most 5 bursts. Every admitted caller gets its answer.
        var refused = new List<QueueFullException>();
        for (var burst = 0; burst < 5 && refused.Count == 0; burst++)
        {
            var calls = Enumerable.Range(0, 16).Select(_ => Task.Run(() => scheduler.EnqueueAsync(Job([1, 2048], 1), CancellationToken.None))).ToArray();
            try
            {
                await Task.WhenAll(calls);
            }
            catch (QueueFullException)
            {
            }

            refused.AddRange(calls.Where(c => c.IsFaulted).Select(c => Assert.IsType<QueueFullException>(c.Exception!.InnerException)));
            foreach (var call in calls.Where(c => c.IsCompletedSuccessfully))
            {
                Assert.Equal(1f, MemoryMarshal.Cast<byte, float>((await call)[0].Bytes)[2047]);
            }
        }

        Assert.NotEmpty(refused);
        Assert.All(refused, e => Assert.Contains("model 'slow/1' has 1 requests queued", e.Message, StringComparison.Ordinal));
        Assert.Equal(0, scheduler.QueueLength);
    }

    private static DirectScheduler OneInstanceQueueOfOne(ModelSession session) =>
        new("slow/1", instanceCount: 1, maxQueueSize: 1, new BatchExecutor(session, new ModelStatistics(), TimeProvider.System, batched: false));

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
