namespace WPAI.Grains.Fleet;

/// <summary>Persisted head of the job index: the page new ids go to.</summary>
[GenerateSerializer, Alias("wpai.state.job-index")]
public sealed class JobIndexState
{
    [Id(0)]
    public int CurrentPage { get; set; }
}
