namespace WPAI.Benchmarks;

/// <summary>A job-sized grain state (about 300 bytes serialized) for the storage benchmark.</summary>
[GenerateSerializer, Alias("wpai.bench.storage-state")]
public sealed class StorageBenchState
{
    [Id(0)]
    public long Version { get; set; }

    [Id(1)]
    public string Department { get; set; } = "dept-a";

    [Id(2)]
    public List<string> Nodes { get; set; } = [];

    [Id(3)]
    public Dictionary<string, double> Usage { get; set; } = [];
}
