using System.Collections.Immutable;

namespace WPAI.Client;

/// <summary>The silos of a cluster as its membership table shows them.</summary>
public sealed record ClusterStatus(ImmutableArray<SiloStatus> Silos);
