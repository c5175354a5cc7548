using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace WPAI.Benchmarks;

/// <summary>
/// The time the pool scheduler grains and the job index (one grain for the cluster, called once per submit) spend inside
/// their calls, by grain (an incoming grain call filter: from the start of the call's turn to its end, awaits included).
/// Their enqueues, checks and index adds interleave (<c>AlwaysInterleave</c>), so calls overlap each other and a pass:
/// the sum is calls in progress (÷ the window) and time per job, not a busy fraction; a pool grain's busy fraction comes
/// from its passes' own time (the scheduler's pass-duration histogram, as passes run on a timer, not a call).
/// </summary>
internal sealed class GrainBusyTime(bool timePlacementPath = false) : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _byGrain = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StrongBox<long>> _byMethod = new(StringComparer.Ordinal);

    /// <summary>The job index's name among the pools.</summary>
    public const string JobIndex = "job-index";

    /// <summary>
    /// The calls on a placement's path that a pass awaits, timed by method (inside the callee's turn, its awaits included)
    /// when <c>timePlacementPath</c> is on (<c>--wait-times</c>: the extra async step per call costs CPU in the window).
    /// </summary>
    public static readonly string[] PlacementPath = ["TryReserveAsync", "TryStartAsync", "RecordStartAsync"];

    public Task Invoke(IIncomingGrainCallContext context) =>
        context.InterfaceName.EndsWith("IPoolSchedulerGrain", StringComparison.Ordinal) ? TimeAsync(context, _byGrain, context.TargetId.Key.ToString())
        : context.InterfaceName.EndsWith("IJobIndexGrain", StringComparison.Ordinal) ? TimeAsync(context, _byGrain, JobIndex)
        : timePlacementPath && Array.IndexOf(PlacementPath, context.MethodName) >= 0 ? TimeAsync(context, _byMethod, context.MethodName)
        : context.Invoke();

    private static async Task TimeAsync(IIncomingGrainCallContext context, ConcurrentDictionary<string, StrongBox<long>> ticks, string key)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await context.Invoke();
        }
        finally
        {
            var total = ticks.GetOrAdd(key, static _ => new StrongBox<long>());
            Interlocked.Add(ref total.Value, Stopwatch.GetTimestamp() - started);
        }
    }

    /// <summary>Seconds spent inside calls so far: by pool (and <see cref="JobIndex"/>), and by method of <see cref="PlacementPath"/>.</summary>
    public (Dictionary<string, double> ByGrain, Dictionary<string, double> ByMethod) Snapshot() => (Seconds(_byGrain), Seconds(_byMethod));

    private static Dictionary<string, double> Seconds(ConcurrentDictionary<string, StrongBox<long>> ticks) =>
        ticks.ToDictionary(kv => kv.Key, kv => Interlocked.Read(ref kv.Value.Value) / (double)Stopwatch.Frequency, StringComparer.Ordinal);
}
