using WPAI.Grains.Storage;

namespace WPAI.Grains.Fleet;

/// <summary>One page of the job index: an append-only list of ids, persisted with group commit.</summary>
[GrainType("wpai-job-index-page")]
public sealed class JobIndexPageGrain : Grain, IJobIndexPageGrain
{
    private readonly IPersistentState<JobIndexPageState> _state;
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly GroupCommit _commit;

    public JobIndexPageGrain([PersistentState("job-index-page", WpaiCluster.StorageProvider)] IPersistentState<JobIndexPageState> state)
    {
        _state = state;
        _commit = new GroupCommit(() => _state.WriteStateAsync());
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _ids.UnionWith(_state.State.JobIds);
        return Task.CompletedTask;
    }

    public async Task<int> AppendAsync(ImmutableArray<string> jobIds)
    {
        foreach (var id in jobIds.IsDefault ? [] : jobIds)
        {
            if (_ids.Add(id))
            {
                _state.State.JobIds.Add(id);
            }
        }

        // Also when nothing was new: the caller's ids may sit in a write that is still in flight.
        await _commit.PersistAsync();
        return _state.State.JobIds.Count;
    }

    public Task<ImmutableArray<string>> GetAsync() => Task.FromResult(_state.State.JobIds.ToImmutableArray());
}
