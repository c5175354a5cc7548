namespace WPAI.Domain.Scheduling;

/// <summary>
/// The priority score of a pending job: <c>base(tier) + min(minutes waited, cap) − weight × (1 − u)</c>, where u is
/// the effective GPU utilization of the department's recent jobs (1 when unknown). Options validation keeps the
/// own tier above the borrowed tier whatever the adjustments.
/// </summary>
public static class PriorityScore
{
    public static double Compute(Tier tier, TimeSpan waited, double? departmentUtilization, SchedulingOptions options)
    {
        var baseScore = tier == Tier.Own ? options.OwnTierBase : options.BorrowedTierBase;
        var waitBonus = Math.Clamp(waited.TotalMinutes, 0, options.MaxWaitBonus);
        var u = Math.Clamp(departmentUtilization ?? 1.0, 0, 1);
        var penalty = options.UtilizationPenaltyWeight * (1 - u);
        return baseScore + waitBonus - penalty;
    }
}
