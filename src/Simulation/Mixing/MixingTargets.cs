namespace WPAI.Simulation.Mixing;

/// <summary>
/// The issue's targets and their verdicts: every lending policy is held to the reference's production numbers
/// (lentShare ≥ 65 % with killRate ≤ 1.5 %); the look-ahead policy also to killRate ≤ 1.0 % with no more SLO-violation
/// minutes than no-mixing.
/// </summary>
public static class MixingTargets
{
    public const double MinLentShare = 0.65;
    public const double MaxKillRate = 0.015;
    public const double MaxLookAheadKillRate = 0.01;

    /// <summary>The verdict lines of the runs (one per applicable target and policy).</summary>
    public static IReadOnlyList<(string Policy, string Target, bool? Met, string Measured)> Verdicts(IReadOnlyList<MixingRunMetrics> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var result = new List<(string, string, bool?, string)>();
        var noMixing = runs.FirstOrDefault(r => r.Policy == MixingPolicies.NoMixing.Name && r.Unavailable is null);
        foreach (var r in runs.Where(r => r.Policy != MixingPolicies.NoMixing.Name))
        {
            if (r.Unavailable is not null)
            {
                result.Add((r.Policy, "lentShare ≥ 65 % with killRate ≤ 1.5 %", null, "not run: " + r.Unavailable));
                continue;
            }

            var measured = FormattableString.Invariant($"lentShare {r.LentShare:P1}, killRate {r.KillRate:P2}");
            result.Add((r.Policy, "lentShare ≥ 65 % with killRate ≤ 1.5 %", r.LentShare >= MinLentShare && r.KillRate <= MaxKillRate, measured));
            if (r.Policy == MixingPolicies.WpaiMixingLookAhead.Name)
            {
                var slo = FormattableString.Invariant($"killRate {r.KillRate:P2}, SLO-violation {r.SloViolationMinutes:0} min vs no-mixing {(noMixing is null ? "n/a" : noMixing.SloViolationMinutes.ToString("0", System.Globalization.CultureInfo.InvariantCulture))} min");
                result.Add((r.Policy, "look-ahead: killRate ≤ 1.0 % and SLO-violation minutes ≤ no-mixing's", noMixing is null ? null : r.KillRate <= MaxLookAheadKillRate && r.SloViolationMinutes <= noMixing.SloViolationMinutes, slo));
            }
        }

        return result;
    }

    public static string Word(bool? met) => met switch { true => "**met**", false => "**missed**", null => "not measured" };
}
