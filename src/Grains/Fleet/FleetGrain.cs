namespace WPAI.Grains.Fleet;

/// <summary>
/// The fleet's directory of names. Nodes and departments are written at once (rare events); job ids are kept in a
/// bounded list written at most every few seconds, so submits never wait on it.
/// </summary>
[GrainType("wpai-fleet")]
public sealed class FleetGrain(
    [PersistentState("fleet", WpaiCluster.StorageProvider)] IPersistentState<FleetState> state) : Grain, IFleetGrain
{
    private const int MaxRecentJobs = 5_000;
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(2);

    private readonly HashSet<string> _recent = new(StringComparer.Ordinal);
    private bool _dirty;
    private IGrainTimer? _flush;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _recent.UnionWith(state.State.RecentJobs);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty)
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public async Task AddNodeAsync(string pool, string node)
    {
        if (!state.State.NodesByPool.TryGetValue(pool, out var nodes))
        {
            state.State.NodesByPool[pool] = nodes = new SortedSet<string>(StringComparer.Ordinal);
        }

        if (nodes.Add(node))
        {
            await WriteAsync();
        }
    }

    public async Task AddDepartmentAsync(string department)
    {
        if (state.State.Departments.Add(department))
        {
            await WriteAsync();
        }
    }

    public async Task AddServiceAsync(string service)
    {
        if (state.State.Services.Add(service))
        {
            await WriteAsync();
        }
    }

    public async Task RemoveServiceAsync(string service)
    {
        if (state.State.Services.Remove(service))
        {
            await WriteAsync();
        }
    }

    public Task AddJobAsync(string jobId)
    {
        if (_recent.Add(jobId))
        {
            state.State.RecentJobs.Add(jobId);
            if (state.State.RecentJobs.Count > MaxRecentJobs)
            {
                _recent.Remove(state.State.RecentJobs[0]);
                state.State.RecentJobs.RemoveAt(0);
            }

            _dirty = true;
            _flush ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(FlushInterval, FlushInterval));
        }

        return Task.CompletedTask;
    }

    public Task<FleetView> GetAsync() => Task.FromResult(new FleetView(
        state.State.NodesByPool.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray(), StringComparer.Ordinal),
        [.. state.State.Departments],
        [.. state.State.RecentJobs],
        [.. state.State.Services]));

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_dirty)
        {
            await WriteAsync();
        }
    }

    private async Task WriteAsync()
    {
        _dirty = false;
        await state.WriteStateAsync();
    }
}
