namespace WPAI.Grains.Fleet;

/// <summary>
/// The fleet's directory of names: nodes by pool, departments, services (rare events, written at once). Job ids live
/// in the durable <see cref="IJobIndexGrain"/>.
/// </summary>
[GrainType("wpai-fleet")]
public sealed class FleetGrain(
    [PersistentState("fleet", WpaiCluster.StorageProvider)] IPersistentState<FleetState> state) : Grain, IFleetGrain
{
    /// <summary>Moves the bounded recent-jobs list that older versions kept here into the job index, once.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.RecentJobs.Count > 0)
        {
            await Index.AddAsync([.. state.State.RecentJobs]);
            state.State.RecentJobs.Clear();
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

    public async Task RemoveNodeAsync(string pool, string node)
    {
        if (state.State.NodesByPool.TryGetValue(pool, out var nodes) && nodes.Remove(node))
        {
            if (nodes.Count == 0)
            {
                state.State.NodesByPool.Remove(pool);
            }

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

    public Task AddJobAsync(string jobId) => Index.AddAsync([jobId]);

    public Task<FleetView> GetAsync() => Task.FromResult(new FleetView(
        state.State.NodesByPool.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray(), StringComparer.Ordinal),
        [.. state.State.Departments],
        [],
        [.. state.State.Services]));

    private IJobIndexGrain Index => GrainFactory.GetGrain<IJobIndexGrain>(WpaiCluster.FleetKey);

    private Task WriteAsync() => state.WriteStateAsync();
}
