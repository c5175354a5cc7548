using System.Collections.Immutable;
using Orleans.Concurrency;
using WPAI.Abstractions.Contracts;

namespace WPAI.Abstractions.Grains;

/// <summary>
/// Where silos report their unfinished recovery work (key: <c>default</c>; in memory: silos report again on every
/// change and every retry), so that <c>wpai doctor</c> can show it for the whole cluster.
/// </summary>
[Alias("wpai.IRunHealthGrain")]
public interface IRunHealthGrain : IGrainWithStringKey
{
    [Alias("Report"), OneWay]
    Task ReportAsync(RunHealth health);

    /// <summary>The latest report of every silo that reported, by silo.</summary>
    [Alias("Get")]
    Task<ImmutableArray<RunHealth>> GetAsync();
}
