using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using k8s.Autorest;
using WPAI.Abstractions.Contracts.Agent;
using WPAI.Abstractions.Ports;

namespace WPAI.Kubernetes;

/// <summary>
/// The Kubernetes driver: a placement becomes a pod bound to the chosen node (<see cref="JobPodTemplate"/>), a stop
/// deletes it with the job's grace period, and the pod watch (<see cref="OnEventAsync"/>) turns phases into the job's
/// completion. Idempotent both ways: the pod name is fixed per job and attempt, so a start offered twice creates one
/// pod (the second create gets 409), and deleting a pod that is already gone (404) is fine.
/// A pod placed where WPAI's own earlier pod is still terminating waits until that pod is gone, so the node's GPUs are
/// free when the kubelet admits it. A pod that cannot start is given up after
/// <see cref="KubernetesDriverOptions.StartTimeout"/> (at once when Kubernetes can never start it): deleted, and its
/// attempt ends as failed when the cause is the job's (image, Secret, ConfigMap) or as lost — re-queued — when it is the
/// node's (unschedulable, refused by the kubelet, never started).
/// </summary>
public sealed partial class KubernetesClusterDriver(
    IKubernetes client,
    IGrainFactory grains,
    IOptions<KubernetesDriverOptions> options,
    TimeProvider time,
    ILogger<KubernetesClusterDriver> logger) : IClusterDriver, IWatchHandler<V1Pod>
{
    private const int MaxTransitions = 10_000;
    private const int FanOut = 16;

    private readonly ConcurrentDictionary<string, TrackedPod> _pods = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, V1Pod> _deferred = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _deletedByWpai = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<PodTransition> _transitions = new();
    private readonly ConcurrentDictionary<string, int> _startLosses = new(StringComparer.Ordinal);
    private readonly Channel<Report> _reports = Channel.CreateUnbounded<Report>(new UnboundedChannelOptions { SingleReader = true });
    private int _adopted;

    private KubernetesDriverOptions Options => options.Value;

    private string Namespace => Options.Namespace;

    /// <summary>The pod states the driver acted on, oldest first (bounded): one entry per change, never a repeat.</summary>
    public IReadOnlyList<PodTransition> Transitions => [.. _transitions];

    /// <summary>Pods waiting for an earlier WPAI pod on their node to finish terminating.</summary>
    public IReadOnlyCollection<string> DeferredPods => [.. _deferred.Keys];

    /// <summary>The job pod as the driver last saw it (null: it does not know it).</summary>
    public ObservedPod? Observed(string pod) => _pods.TryGetValue(pod, out var tracked) ? tracked.Last : null;

    /// <summary>WPAI's job pods that run now (seen Running, not being deleted): the ones whose usage is sampled.</summary>
    public IReadOnlyList<ObservedPod> RunningPods =>
        [.. _pods.Values.Where(p => p.Reported == PodRunState.Running && !p.Last.Terminating && !_deletedByWpai.ContainsKey(p.Last.Name)).Select(p => p.Last)];

    public async Task StartAsync(JobSpec spec, Placement placement, CancellationToken cancellationToken = default)
    {
        var name = JobPodName.For(spec.JobId, placement.Attempt).Value;
        V1Pod pod;
        try
        {
            pod = JobPodTemplate.Build(spec, placement, Options);
        }
        catch (WpaiValidationException ex)
        {
            LogCannotCreate(logger, name, ex.Message);
            Enqueue(new Report(spec.JobId, placement.Attempt, RunOutcome.Failed, $"pod {name} could not be created: {ex.Message}"));
            return;
        }

        if (_pods.ContainsKey(name) || _deferred.ContainsKey(name))
        {
            return; // this attempt's pod exists or waits already
        }

        _deletedByWpai.TryRemove(name, out _);
        if (TerminatingOn(placement.Node) > 0)
        {
            _deferred[name] = pod;
            LogDeferred(logger, name, placement.Node);
            return;
        }

        await CreateAsync(pod, cancellationToken);
    }

    public async Task StopAsync(string jobId, int attempt, CancellationToken cancellationToken = default)
    {
        var name = JobPodName.For(jobId, attempt).Value;
        _deletedByWpai[name] = 0;
        if (_deferred.TryRemove(name, out _))
        {
            LogStopped(logger, name, 0);
            return; // never created
        }

        var grace = _pods.TryGetValue(name, out var tracked) ? tracked.Last.GraceSeconds : null;
        try
        {
            grace ??= (await client.CoreV1.ReadNamespacedPodAsync(name, Namespace, cancellationToken: cancellationToken)).Spec?.TerminationGracePeriodSeconds;
            var deleted = await client.CoreV1.DeleteNamespacedPodAsync(name, Namespace, new V1DeleteOptions { GracePeriodSeconds = grace }, gracePeriodSeconds: (int?)grace, cancellationToken: cancellationToken);
            if (deleted?.Metadata?.DeletionTimestamp is not null && grace is > 0 && PodTranslation.Observe(deleted, Options.Owner) is { } observed)
            {
                // Terminating until the watch sees it gone: nothing new is created on its node before that.
                _pods.AddOrUpdate(name, _ => new TrackedPod(observed, PodRunState.Pending, time.GetUtcNow()), (_, t) => t with { Last = observed });
            }

            LogStopped(logger, name, grace ?? -1);
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            LogAlreadyGone(logger, name);
        }
    }

    private async Task CreateAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        var name = pod.Metadata.Name;
        var jobId = pod.Metadata.Annotations[KubernetesNames.JobIdAnnotation];
        var attempt = int.Parse(pod.Metadata.Labels[KubernetesNames.AttemptLabel], System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            var created = await client.CoreV1.CreateNamespacedPodAsync(pod, Namespace, cancellationToken: cancellationToken);
            Track(created);
            LogCreated(logger, name, pod.Spec.NodeName);
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.Conflict)
        {
            // The same attempt offered twice (or created before a restart): the existing pod is the one.
            var existing = await client.CoreV1.ReadNamespacedPodAsync(name, Namespace, cancellationToken: cancellationToken);
            if (PodTranslation.Observe(existing, Options.Owner) is { } observed
                && string.Equals(observed.JobId, jobId, StringComparison.Ordinal) && observed.Attempt == attempt)
            {
                Track(existing);
                LogAlreadyExists(logger, name);
            }
            else
            {
                LogCannotCreate(logger, name, "a pod of that name exists and is not this job's");
                Enqueue(new Report(jobId, attempt, RunOutcome.Failed, $"pod {name} could not be created: a pod of that name exists in namespace {Namespace} and is not WPAI's"));
            }
        }
        catch (HttpOperationException ex) when (ex.Response is { StatusCode: >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError })
        {
            LogCannotCreate(logger, name, ex.Response.Content);
            Enqueue(new Report(jobId, attempt, RunOutcome.Failed, $"pod {name} was refused by the API server ({(int)ex.Response.StatusCode}): {ex.Response.Content}"));
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or IOException)
        {
            // The API server is unreachable or failing: try again on the next resync.
            _deferred[name] = pod;
            LogCreateRetry(logger, name, ex.Message);
        }
    }

    private void Track(V1Pod pod)
    {
        if (PodTranslation.Observe(pod, Options.Owner) is { } observed)
        {
            _pods.TryAdd(observed.Name, new TrackedPod(observed, PodRunState.Pending, time.GetUtcNow()));
        }
    }

    private int TerminatingOn(string node) =>
        _pods.Values.Count(p => p.Last.Terminating && p.Reported is PodRunState.Pending or PodRunState.Running
            && string.Equals(p.Last.Node, node, StringComparison.Ordinal));

    /// <summary>
    /// Queues a run's end for its job. A job whose pods failed to start for the node's reasons
    /// <see cref="KubernetesDriverOptions.MaxStartRequeues"/> times in a row (WPAI keeps placing it where the kubelet
    /// refuses it, e.g. because pods WPAI did not place hold the node's GPUs) fails instead of being re-queued again.
    /// </summary>
    private void Enqueue(Report report)
    {
        if (report.Outcome == RunOutcome.Lost)
        {
            var lost = _startLosses.AddOrUpdate(report.JobId, 1, (_, n) => n + 1);
            if (lost > Options.MaxStartRequeues)
            {
                _startLosses.TryRemove(report.JobId, out _);
                report = report with { Outcome = RunOutcome.Failed, Detail = $"{report.Detail} (not re-queued: {lost} starts in a row failed for the node's reasons)" };
            }
        }
        else if (report.Outcome == RunOutcome.Failed)
        {
            _startLosses.TryRemove(report.JobId, out _);
        }

        _reports.Writer.TryWrite(report);
    }

    private void Record(ObservedPod pod, PodRunState state, string detail)
    {
        _transitions.Enqueue(new PodTransition(pod.Name, pod.JobId, pod.Attempt, state, detail));
        while (_transitions.Count > MaxTransitions && _transitions.TryDequeue(out _))
        {
        }
    }

    /// <summary>Delivers the pods' outcomes to their jobs, one at a time, outside any grain turn; runs until stopped.</summary>
    public async Task RunReportsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var report in _reports.Reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    // As a node agent reports a run's end: the job applies its retries (failed) or re-queues (lost).
                    await grains.GetGrain<IJobGrain>(report.JobId).RunEndedAsync(new RunEnd(
                        report.JobId,
                        report.Attempt,
                        report.Outcome == RunOutcome.Succeeded ? 0 : null,
                        Signal: null,
                        Stopped: false,
                        Lost: report.Outcome == RunOutcome.Lost,
                        report.Detail,
                        time.GetUtcNow()));
                    LogReported(logger, report.JobId, report.Attempt, report.Outcome, report.Detail);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
                {
                    LogReportFailed(logger, ex, report.JobId, report.Attempt);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    /// <summary>A pod the driver knows: as last seen, the state last acted on, and since when it is known (the start wait).</summary>
    private sealed record TrackedPod(ObservedPod Last, PodRunState Reported, DateTimeOffset Since);

    private sealed record Report(string JobId, int Attempt, RunOutcome Outcome, string Detail);

    private enum RunOutcome
    {
        Succeeded,

        /// <summary>The job's own failure: it fails, or runs again while it has retries left.</summary>
        Failed,

        /// <summary>Not the job's doing (the node refused or never started it): re-queued keeping its wait.</summary>
        Lost,
    }
}
