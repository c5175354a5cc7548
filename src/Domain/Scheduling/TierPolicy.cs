namespace WPAI.Domain.Scheduling;

/// <summary>
/// Decides a job's quota tier in a pool: own when it fits the department's free own quota there (or quotas are off),
/// borrowed otherwise, and not eligible at all when borrowing is off.
/// </summary>
public static class TierPolicy
{
    public static Tier? Decide(int requestGpus, int quotaGpus, int ownGpusInUse, SchedulingOptions options)
    {
        if (!options.Quotas)
        {
            return Tier.Own;
        }

        if (ownGpusInUse + requestGpus <= quotaGpus)
        {
            return Tier.Own;
        }

        return options.Borrowing ? Tier.Borrowed : null;
    }
}
