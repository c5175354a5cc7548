using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// The jobs as the replay's cluster driver sees them when checkpoints count: a job that declared itself checkpointable
/// saves a checkpoint every <paramref name="interval"/> of run time, and a run it restarts after a reclaim only has the work
/// after its last checkpoint left (<see cref="Killed"/> keeps the saved run time). Without checkpointing (or for a job
/// that did not declare it) the job restarts from the beginning, as before. Read by the driver on silo threads, written by
/// the replay loop: the saved times are a concurrent map.
/// </summary>
public sealed class CheckpointedJobDictionary(IReadOnlyDictionary<string, SimJob> jobs, IReadOnlySet<string> checkpointable, TimeSpan interval, bool enabled)
    : IReadOnlyDictionary<string, SimJob>
{
    private readonly ConcurrentDictionary<string, TimeSpan> _saved = new(StringComparer.Ordinal);

    public IEnumerable<string> Keys => jobs.Keys;

    public IEnumerable<SimJob> Values => jobs.Keys.Select(k => this[k]);

    public int Count => jobs.Count;

    /// <summary>The job with the run time still to do (its trace duration less what its checkpoints saved).</summary>
    public SimJob this[string key]
    {
        get
        {
            var job = jobs[key];
            return _saved.TryGetValue(key, out var saved) && saved > TimeSpan.Zero ? job with { Duration = job.Duration - saved } : job;
        }
    }

    public bool ContainsKey(string key) => jobs.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out SimJob value)
    {
        if (jobs.ContainsKey(key))
        {
            value = this[key];
            return true;
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, SimJob>> GetEnumerator() => jobs.Keys.Select(k => new KeyValuePair<string, SimJob>(k, this[k])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Whether the job is submitted checkpointable (<c>JobSpec.Checkpointable</c>): checkpoints on and the job drawn.</summary>
    public bool Declares(string jobId) => enabled && checkpointable.Contains(jobId);

    /// <summary>
    /// A run of <paramref name="jobId"/> that ran <paramref name="elapsed"/> was killed by a reclaim: returns the run time
    /// lost. A checkpointable job that the controller <paramref name="warned"/> before the kill keeps the run time up to
    /// its last checkpoint (whole intervals of this run; the warning's grace lets the last one finish) and loses only the
    /// rest; any other job loses it all.
    /// </summary>
    public TimeSpan Killed(string jobId, TimeSpan elapsed, bool warned)
    {
        if (elapsed <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        if (!warned || !Declares(jobId))
        {
            return elapsed;
        }

        var kept = TimeSpan.FromTicks(elapsed.Ticks / interval.Ticks * interval.Ticks);
        _saved.AddOrUpdate(jobId, kept, (_, before) => before + kept);
        return elapsed - kept;
    }
}
