namespace WPAI.Cluster.Tests;

/// <summary>
/// Every test here runs real silo processes and PostgreSQL; they run one after another (never in parallel), so two
/// multi-process tests do not compete for the machine's cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster processes";
}
