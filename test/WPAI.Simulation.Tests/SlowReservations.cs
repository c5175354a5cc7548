using Orleans;
using WPAI.Abstractions.Grains;

namespace WPAI.Simulation.Tests;

/// <summary>
/// An outgoing grain call filter that holds back every reservation (<see cref="INodeGrain.TryReserveAsync"/>) for
/// 20 ms before sending it, as a loaded machine can hold back the scheduler's turn while other grains go on: a release
/// that a preemption of the same pass sends to the node then always arrives before the reservations of that pass.
/// </summary>
internal sealed class SlowReservations : IOutgoingGrainCallFilter
{
    private int _held;

    /// <summary>Reservations held back.</summary>
    public int Held => Volatile.Read(ref _held);

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod is { Name: nameof(INodeGrain.TryReserveAsync) } method && method.DeclaringType == typeof(INodeGrain))
        {
            Interlocked.Increment(ref _held);
            await Task.Delay(20);
        }

        await context.Invoke();
    }
}
