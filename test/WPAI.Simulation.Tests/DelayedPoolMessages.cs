using Orleans;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Grains;

namespace WPAI.Simulation.Tests;

/// <summary>
/// An outgoing grain call filter that holds back every one-way message to a pool scheduler (a job's end, a node's
/// change, a dropped or offered-on queue entry) for a random 1–5 ms before sending it, as a loaded thread pool can: the
/// caller goes on at once, so the replay loop's next pass can overtake the message.
/// </summary>
internal sealed class DelayedPoolMessages(int seed) : IOutgoingGrainCallFilter
{
    private static readonly HashSet<string> OneWay = new(StringComparer.Ordinal)
    {
        nameof(IPoolSchedulerGrain.JobEndedAsync), nameof(IPoolSchedulerGrain.NodeChangedAsync), nameof(IPoolSchedulerGrain.RemoveAsync),
    };

    private readonly Random _random = new(seed);
    private readonly Lock _lock = new();
    private int _delayed;
    private int _waits;

    /// <summary>Messages held back.</summary>
    public int Delayed => Volatile.Read(ref _delayed);

    /// <summary>Times a pass found a message still on its way and waited for it (<see cref="IPoolSchedulerGrain.AwaitDeliveredAsync"/>).</summary>
    public int Waits => Volatile.Read(ref _waits);

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == typeof(IPoolSchedulerGrain))
        {
            var name = context.InterfaceMethod.Name;
            if (name == nameof(IPoolSchedulerGrain.AwaitDeliveredAsync))
            {
                Interlocked.Increment(ref _waits);
            }

            var offeredOn = name == nameof(IPoolSchedulerGrain.EnqueueAsync) && context.Request.GetArgument(1) is PoolStamp;
            if (OneWay.Contains(name) || offeredOn)
            {
                int milliseconds;
                lock (_lock)
                {
                    milliseconds = _random.Next(1, 6);
                }

                Interlocked.Increment(ref _delayed);
                await Task.Delay(milliseconds);
            }
        }

        await context.Invoke();
    }
}
