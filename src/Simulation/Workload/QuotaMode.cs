namespace WPAI.Simulation.Workload;

/// <summary>How department quotas are set: an equal share of every pool, or shares proportional to each department's GPU demand.</summary>
public enum QuotaMode
{
    Equal,
    Proportional,
}
