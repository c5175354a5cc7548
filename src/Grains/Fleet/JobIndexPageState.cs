namespace WPAI.Grains.Fleet;

/// <summary>Persisted ids of one job index page, in submission order.</summary>
[GenerateSerializer, Alias("wpai.state.job-index-page")]
public sealed class JobIndexPageState
{
    [Id(0)]
    public List<string> JobIds { get; set; } = [];
}
