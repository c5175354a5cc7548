using k8s.Autorest;

namespace WPAI.Kubernetes;

/// <summary>The pod watch side of the driver: phases → job events, deletions by others, adoption after a restart.</summary>
public sealed partial class KubernetesClusterDriver
{
    /// <summary>Set once the first pod list after start-up was reconciled with WPAI's running jobs.</summary>
    public AdoptionReport? Adoption { get; private set; }

    public async Task OnListAsync(IReadOnlyList<V1Pod> items, CancellationToken cancellationToken)
    {
        var observed = items.Select(p => PodTranslation.Observe(p, Options.Owner)).OfType<ObservedPod>().ToList();
        var present = observed.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, tracked) in _pods.ToList())
        {
            if (!present.Contains(name))
            {
                Gone(tracked.Last); // deleted while nothing watched
            }
        }

        if (Interlocked.Exchange(ref _adopted, 1) == 0)
        {
            // Before any outcome of this list is reported, so that the running jobs are read as they were.
            Adoption = await AdoptAsync(observed, cancellationToken);
        }

        foreach (var pod in observed)
        {
            Apply(pod);
            await GiveUpIfHopelessAsync(pod, cancellationToken);
        }

        await FlushDeferredAsync(null, cancellationToken);
    }

    public async Task OnEventAsync(WatchEventType type, V1Pod item, CancellationToken cancellationToken)
    {
        if (PodTranslation.Observe(item, Options.Owner) is not { } pod)
        {
            return;
        }

        Apply(pod);
        if (type == WatchEventType.Deleted)
        {
            Gone(pod);
        }
        else
        {
            await GiveUpIfHopelessAsync(pod, cancellationToken);
        }

        if (pod.Node is { } node)
        {
            await FlushDeferredAsync(node, cancellationToken);
        }
    }

    /// <summary>Acts on a change of state: Running is recorded, Succeeded and Failed are reported to the job, once each.</summary>
    private void Apply(ObservedPod pod)
    {
        var tracked = _pods.GetOrAdd(pod.Name, _ => new TrackedPod(pod, PodRunState.Pending, time.GetUtcNow()));
        var reported = tracked.Reported;
        if (pod.State != reported && reported is PodRunState.Pending or PodRunState.Running && pod.State != PodRunState.Pending)
        {
            reported = pod.State;
            if (_deletedByWpai.ContainsKey(pod.Name))
            {
                Record(pod, pod.State, $"{pod.Detail} (stopped by WPAI)");
            }
            else
            {
                Record(pod, pod.State, pod.Detail);
                if (pod.State is PodRunState.Succeeded or PodRunState.Failed)
                {
                    var outcome = pod.State == PodRunState.Succeeded ? RunOutcome.Succeeded : pod.NodeRefused ? RunOutcome.Lost : RunOutcome.Failed;
                    Enqueue(new Report(pod.JobId, pod.Attempt, outcome, pod.Detail));
                }
                else
                {
                    _startLosses.TryRemove(pod.JobId, out _); // it started: a later node-side failure counts afresh
                    LogRunning(logger, pod.Name, pod.Node ?? "?");
                }
            }
        }

        _pods[pod.Name] = tracked with { Last = pod, Reported = reported };
    }

    /// <summary>The pod no longer exists: when it had not finished and WPAI did not delete it, its job fails.</summary>
    private void Gone(ObservedPod pod)
    {
        if (!_pods.TryRemove(pod.Name, out var tracked))
        {
            return;
        }

        var stoppedByWpai = _deletedByWpai.TryRemove(pod.Name, out _);
        if (tracked.Reported is PodRunState.Succeeded or PodRunState.Failed)
        {
            return;
        }

        if (stoppedByWpai)
        {
            Record(pod, PodRunState.Gone, $"pod {pod.Name} is gone (stopped by WPAI)");
            return;
        }

        // Evicted (drain, a NotReady node's taint, preemption, node pressure): not the job's failure, so it is re-queued.
        // Deleted by a person or another controller without that mark: the job fails (retries apply).
        var disruption = pod.Disruption ?? tracked.Last.Disruption;
        var detail = disruption is null ? $"pod {pod.Name} was deleted outside WPAI" : $"pod {pod.Name} was evicted ({disruption})";
        Record(pod, PodRunState.Gone, detail);
        LogDeletedOutside(logger, pod.Name, detail);
        Enqueue(new Report(pod.JobId, pod.Attempt, disruption is null ? RunOutcome.Failed : RunOutcome.Lost, detail));
    }

    /// <summary>
    /// Gives up every pod that has not started within <see cref="KubernetesDriverOptions.StartTimeout"/> of when the
    /// driver first knew it (created, or seen after a restart); returns how many. Run periodically, and by tests.
    /// </summary>
    public async Task<int> GiveUpStuckPodsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var timeout = Options.StartTimeout;
        var given = 0;
        foreach (var tracked in _pods.Values.Where(t => t.Reported == PodRunState.Pending && now - t.Since >= timeout).ToList())
        {
            var pod = tracked.Last;
            var why = pod.StartProblem?.ToString() ?? "it was not running yet";
            if (await GiveUpAsync(pod, $"pod {pod.Name} did not start within {timeout:g}: {why}", pod.StartProblem?.JobSide == true, cancellationToken))
            {
                given++;
            }
        }

        return given;
    }

    /// <summary>A pod Kubernetes can never start (an invalid image name) is given up at once rather than after the wait.</summary>
    private async Task GiveUpIfHopelessAsync(ObservedPod pod, CancellationToken cancellationToken)
    {
        if (pod is { State: PodRunState.Pending, StartProblem: { Permanent: true } problem })
        {
            await GiveUpAsync(pod, $"pod {pod.Name} cannot start: {problem}", problem.JobSide, cancellationToken);
        }
    }

    /// <summary>
    /// Ends an attempt whose pod did not start: the pod is deleted at once (its containers never ran, so no grace), and
    /// the job is told — failed when the cause is the job's, lost (re-queued) when it is the node's. Once per pod.
    /// </summary>
    private async Task<bool> GiveUpAsync(ObservedPod pod, string detail, bool jobSide, CancellationToken cancellationToken)
    {
        if (!_pods.TryGetValue(pod.Name, out var tracked) || tracked.Reported != PodRunState.Pending || pod.Terminating
            || _deletedByWpai.ContainsKey(pod.Name) || !_pods.TryUpdate(pod.Name, tracked with { Reported = PodRunState.Failed }, tracked))
        {
            return false;
        }

        _deletedByWpai[pod.Name] = 0;
        Record(pod, PodRunState.Failed, detail);
        LogGaveUp(logger, pod.Name, detail);
        Enqueue(new Report(pod.JobId, pod.Attempt, jobSide ? RunOutcome.Failed : RunOutcome.Lost, detail));
        try
        {
            await client.CoreV1.DeleteNamespacedPodAsync(pod.Name, Namespace, new V1DeleteOptions { GracePeriodSeconds = 0 }, gracePeriodSeconds: 0, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // gone already
        }

        return true;
    }

    private async Task FlushDeferredAsync(string? node, CancellationToken cancellationToken)
    {
        foreach (var (name, pod) in _deferred.ToList())
        {
            if ((node is null || string.Equals(pod.Spec.NodeName, node, StringComparison.Ordinal))
                && TerminatingOn(pod.Spec.NodeName) == 0 && _deferred.TryRemove(name, out _))
            {
                await CreateAsync(pod, cancellationToken);
            }
        }
    }

    /// <summary>
    /// After a restart: every running job keeps the pod it has (or gets it created again when it is missing), and a
    /// pod whose job no longer runs that attempt is deleted.
    /// </summary>
    private async Task<AdoptionReport> AdoptAsync(IReadOnlyList<ObservedPod> pods, CancellationToken cancellationToken)
    {
        var running = await RunningJobsAsync();
        var byName = pods.ToDictionary(p => p.Name, StringComparer.Ordinal);
        int adopted = 0, recreated = 0, orphans = 0;
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var job in running)
        {
            var placement = job.Placement!;
            var name = JobPodName.For(job.Spec.JobId, placement.Attempt).Value;
            expected.Add(name);
            if (byName.ContainsKey(name))
            {
                adopted++;
            }
            else
            {
                await StartAsync(job.Spec with { Gpus = job.Requested.Gpus, CpuMilli = job.Requested.CpuMilli }, placement, cancellationToken);
                recreated++;
            }
        }

        foreach (var pod in pods.Where(p => !expected.Contains(p.Name) && p.State is PodRunState.Pending or PodRunState.Running))
        {
            if (await JobExistsAsync(pod.JobId))
            {
                await StopAsync(pod.JobId, pod.Attempt, cancellationToken);
                orphans++;
            }
        }

        LogAdopted(logger, adopted, recreated, orphans);
        return new AdoptionReport(adopted, recreated, orphans);
    }

    private async Task<List<JobView>> RunningJobsAsync()
    {
        var fleet = await grains.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).GetAsync();
        var jobs = new List<JobView>();
        foreach (var chunk in fleet.Departments.Chunk(FanOut))
        {
            var departments = await Task.WhenAll(chunk.Select(d => grains.GetGrain<IDepartmentGrain>(d).GetAsync()));
            foreach (var ids in departments.SelectMany(d => d.Running).Select(r => r.JobId).Distinct(StringComparer.Ordinal).Chunk(FanOut))
            {
                jobs.AddRange((await Task.WhenAll(ids.Select(id => grains.GetGrain<IJobGrain>(id).GetAsync())))
                    .Where(j => j is { Status: JobStatus.Running, Placement: not null }));
            }
        }

        return jobs;
    }

    private async Task<bool> JobExistsAsync(string jobId)
    {
        try
        {
            await grains.GetGrain<IJobGrain>(jobId).GetAsync();
            return true;
        }
        catch (WpaiNotFoundException)
        {
            return false;
        }
    }
}
