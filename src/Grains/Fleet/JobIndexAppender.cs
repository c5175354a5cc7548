using WPAI.Grains.Common;

namespace WPAI.Grains.Fleet;

/// <summary>
/// One per silo process: this silo's submitted job ids, gathered into <see cref="IJobIndexGrain.AddAsync"/>
/// (<see cref="CallGatherer{T}"/>): an id with no append in flight goes at once; ids submitted meanwhile go together in
/// the next call. Each submit's task completes when the index has made its id durable, as with a call of its own; an
/// index on another silo gets one message per batch instead of one per job.
/// </summary>
public sealed class JobIndexAppender
{
    private readonly CallGatherer<string> _appends;

    public JobIndexAppender(IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        _appends = new CallGatherer<string>(ids => grains.GetGrain<IJobIndexGrain>(WpaiCluster.FleetKey).AddAsync(ids));
    }

    /// <summary>How many <see cref="IJobIndexGrain.AddAsync"/> calls this silo has sent.</summary>
    public long CallsSent => _appends.CallsSent;

    /// <summary>Adds <paramref name="jobId"/> to the job index; completes once it is durable there.</summary>
    public Task AddAsync(string jobId) => _appends.AddAsync(jobId);
}
