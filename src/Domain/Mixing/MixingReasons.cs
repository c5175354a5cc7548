using System.Globalization;
using WPAI.Abstractions.Contracts.Mixing;

namespace WPAI.Domain.Mixing;

/// <summary>The readable reasons a mixing controller records with its decisions, written in one place.</summary>
public static class MixingReasons
{
    public const string LendAborted = "lend aborted: its replicas found no room on the other online nodes";

    /// <summary>Why a handover in progress (draining, stopped half-way, or found after a restart) is driven on.</summary>
    public static string Resume(MixingSettings settings, NodeMode target, bool killNow, bool urgent)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return target != NodeMode.OnlineNormal ? "handover in progress resumed"
            : !killNow ? "taking the node back: draining within its grace"
            : urgent ? "taking the node back: inference needs it now (replicas pending or demand above the serving GPUs)"
            : settings.DrainOnForecast ? "taking the node back: the forecast needs it now (or has none, and its grace is over)"
            : string.Create(CultureInfo.InvariantCulture, $"taking the node back: its grace of {settings.ReclaimGrace:g} is over");
    }

    /// <summary>A handover that could not complete yet: what is left on the node.</summary>
    public static string StillDraining(string reason, IEnumerable<string> owners) =>
        $"{reason}; still draining: {string.Join(", ", owners)} left on the node";

    /// <summary>Why a training job is killed on a reclaim.</summary>
    public static string Kill(string pool, string reason) => $"pool {pool} takes the node back for inference: {reason}";
}
