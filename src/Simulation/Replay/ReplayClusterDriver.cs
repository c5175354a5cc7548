using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Ports;
using WPAI.Simulation.Metrics;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Replay;

/// <summary>
/// The cluster driver of a replay: a start is recorded in the event log and schedules the run's completion at
/// start + its duration on the GPUs it was given (<see cref="RunTimeModel"/>: the trace duration unless a right-sized run
/// got fewer GPUs than it uses) on virtual time; a stop (preemption) is recorded and cancels that completion.
/// The replay loop pops completions in (time, job id, attempt) order, so runs are deterministic.
/// </summary>
public sealed class ReplayClusterDriver(VirtualClock clock, EventLog log, IReadOnlyDictionary<string, SimJob> jobs) : IClusterDriver
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<Completion, (long Ticks, string JobId, int Attempt)> _completions = new(CompletionOrder.Instance);
    private readonly Dictionary<string, int> _running = new(StringComparer.Ordinal);

    public Task StartAsync(JobSpec spec, Placement placement, CancellationToken cancellationToken = default)
    {
        var job = jobs[spec.JobId];
        lock (_gate)
        {
            var now = clock.Elapsed;
            log.Started(now, spec.JobId, placement.Node, placement.Pool, placement.Resources.Gpus, placement.Resources.CpuMilli);
            _running[spec.JobId] = placement.Attempt;
            var end = now + RunTimeModel.Duration(job, placement.Resources.Gpus);
            _completions.Enqueue(new Completion(end, spec.JobId, placement.Attempt, placement.Resources.Gpus), (end.Ticks, spec.JobId, placement.Attempt));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(string jobId, int attempt, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_running.TryGetValue(jobId, out var running) && running == attempt)
            {
                _running.Remove(jobId);
                log.Stopped(clock.Elapsed, jobId, StopReason.Preempted);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Records a submission (before the job grain sees it).</summary>
    public void Submitted(TimeSpan at, string jobId)
    {
        lock (_gate)
        {
            log.Submitted(at, jobId);
        }
    }

    /// <summary>Records a submission the platform rejected (it never runs).</summary>
    public void Rejected(TimeSpan at, string jobId, string reason)
    {
        lock (_gate)
        {
            Rejections++;
            FirstRejection ??= jobId + ": " + reason;
            log.Stopped(at, jobId, StopReason.Cancelled);
        }
    }

    public int Rejections { get; private set; }

    /// <summary>The first rejected submission and why, for the run's summary.</summary>
    public string? FirstRejection { get; private set; }

    /// <summary>When the next live completion is due, or null when none is scheduled.</summary>
    public TimeSpan? NextCompletion()
    {
        lock (_gate)
        {
            DropStale();
            return _completions.TryPeek(out var c, out _) ? c.At : null;
        }
    }

    /// <summary>Takes every live completion due at <paramref name="at"/>, records it as completed, and returns them in order.</summary>
    public ImmutableArray<Completion> TakeDue(TimeSpan at)
    {
        var due = ImmutableArray.CreateBuilder<Completion>();
        lock (_gate)
        {
            while (true)
            {
                DropStale();
                if (!_completions.TryPeek(out var c, out _) || c.At > at)
                {
                    break;
                }

                _completions.Dequeue();
                _running.Remove(c.JobId);
                log.Stopped(c.At, c.JobId, StopReason.Completed);
                due.Add(c);
            }
        }

        return due.ToImmutable();
    }

    public int Running
    {
        get
        {
            lock (_gate)
            {
                return _running.Count;
            }
        }
    }

    private void DropStale()
    {
        while (_completions.TryPeek(out var c, out _) && (!_running.TryGetValue(c.JobId, out var attempt) || attempt != c.Attempt))
        {
            _completions.Dequeue();
        }
    }

    /// <summary>A run due to end at <paramref name="At"/>, holding <paramref name="Gpus"/> GPUs.</summary>
    public sealed record Completion(TimeSpan At, string JobId, int Attempt, int Gpus = 0);

    private sealed class CompletionOrder : IComparer<(long Ticks, string JobId, int Attempt)>
    {
        public static CompletionOrder Instance { get; } = new();

        public int Compare((long Ticks, string JobId, int Attempt) x, (long Ticks, string JobId, int Attempt) y)
        {
            var c = x.Ticks.CompareTo(y.Ticks);
            if (c == 0)
            {
                c = string.CompareOrdinal(x.JobId, y.JobId);
            }

            return c != 0 ? c : x.Attempt.CompareTo(y.Attempt);
        }
    }
}
