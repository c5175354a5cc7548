using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Domain.Inference;

/// <summary>
/// Crash-loop back-off of a service's replicas. A replica that ends before it was ever ready (its model server exited at
/// start, or never answered ready) is a failed start; after <c>n</c> failed starts in a row the next replica starts
/// <c>initial × 2^(n−1)</c> later, at most <c>max</c>. A replica that becomes ready ends the series. Pure.
/// </summary>
public static class ReplicaStartBackoff
{
    /// <summary>True when <paramref name="replica"/> ended without ever serving.</summary>
    public static bool IsFailedStart(ReplicaView replica)
    {
        ArgumentNullException.ThrowIfNull(replica);
        return replica.Phase is ReplicaPhase.Placed or ReplicaPhase.Starting;
    }

    /// <summary>The wait before the next start after <paramref name="failures"/> failed starts in a row (zero for none).</summary>
    public static TimeSpan Delay(int failures, TimeSpan initial, TimeSpan max)
    {
        if (failures <= 0 || initial <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var factor = Math.Pow(2, Math.Min(failures - 1, 40));
        return TimeSpan.FromTicks((long)Math.Min(initial.Ticks * factor, Math.Max(initial.Ticks, max.Ticks)));
    }

    /// <summary>What <c>wpai service show</c> says about a series of failed starts; null when there is none.</summary>
    public static string? Describe(int failures, DateTimeOffset? heldUntil, string? lastFailure, DateTimeOffset now) =>
        failures <= 0 ? null
        : $"crash loop: {failures} replica start(s) failed in a row; "
          + (heldUntil is { } at && at > now ? $"next start in {(at - now).TotalSeconds:0} s (back-off)" : "starting again")
          + $"; last: {lastFailure}";
}
