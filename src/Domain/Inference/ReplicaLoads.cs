using System.Globalization;
using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Domain.Inference;

/// <summary>The measured load of a service's replicas in words, for the decision history.</summary>
public static class ReplicaLoads
{
    /// <summary>
    /// E.g. <c>2 ready replicas: 14.2 QPS, p50 61 ms, p99 180 ms, queue 3 ms, errors 0 %, CPU 850m
    /// (resnet/replica-0 9.1 QPS; resnet/replica-1 5.1 QPS)</c>; fresh samples (within <paramref name="maxAge"/>) only.
    /// </summary>
    public static string Describe(IReadOnlyList<ReplicaView> replicas, DateTimeOffset now, TimeSpan maxAge)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        var ready = replicas.Where(r => r.Phase == ReplicaPhase.Ready).ToList();
        var fresh = ready.Where(r => r.Load is { } l && now - l.At <= maxAge).ToList();
        if (fresh.Count == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{ready.Count} ready replicas, no load sample yet");
        }

        var loads = fresh.Select(r => r.Load!).ToList();
        var qps = loads.Sum(l => l.Qps);
        double Weighted(Func<ReplicaLoadSample, double> f) => qps > 0 ? loads.Sum(l => f(l) * l.Qps) / qps : loads.Average(f);
        var each = string.Join("; ", fresh.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Id} {r.Load!.Qps:0.#} QPS")));
        return string.Create(CultureInfo.InvariantCulture,
            $"{ready.Count} ready replicas: {qps:0.#} QPS, p50 {Weighted(l => l.P50Ms):0} ms, p99 {loads.Max(l => l.P99Ms):0} ms, queue {Weighted(l => l.QueueMs):0} ms, errors {Weighted(l => l.ErrorRate) * 100:0.##} %, CPU {loads.Sum(l => l.CpuMilli):0}m ({each})");
    }
}
