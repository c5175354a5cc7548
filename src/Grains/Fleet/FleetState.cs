namespace WPAI.Grains.Fleet;

/// <summary>Persisted state of the fleet directory.</summary>
[GenerateSerializer, Alias("wpai.state.fleet")]
public sealed class FleetState
{
    [Id(0)]
    public Dictionary<string, SortedSet<string>> NodesByPool { get; set; } = new(StringComparer.Ordinal);

    [Id(1)]
    public SortedSet<string> Departments { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Older versions' bounded list of recent job ids; moved into the job index on activation, then empty.</summary>
    [Id(2)]
    public List<string> RecentJobs { get; set; } = [];

    [Id(3)]
    public SortedSet<string> Services { get; set; } = new(StringComparer.Ordinal);
}
