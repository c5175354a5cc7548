using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Contracts.Mixing;

namespace WPAI.Client;

/// <summary>
/// The typed WPAI API: coarse, intention-revealing calls over the platform's grains. Bad input surfaces as
/// <see cref="Abstractions.Errors.WpaiValidationException"/>, unknown ids as <see cref="Abstractions.Errors.WpaiNotFoundException"/>.
/// Listings read names from the fleet directory and fetch the views with a bounded fan-out.
/// </summary>
public interface IWpaiClient
{
    /// <summary>Registers a node (idempotent for identical hardware).</summary>
    Task<NodeView> AddNodeAsync(NodeSpec spec, NodeMode mode = NodeMode.Fixed, CancellationToken cancellationToken = default);

    /// <summary>All nodes, or the nodes of one pool, ordered by pool then name.</summary>
    Task<ImmutableArray<NodeView>> ListNodesAsync(string? pool = null, CancellationToken cancellationToken = default);

    Task<NodeView> GetNodeAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Changes a node's mode (OnlineNormal, OfflineNormal, Unnormal, Fixed, Down) by hand, recorded with its reason.</summary>
    Task<NodeView> SetNodeModeAsync(string name, NodeMode mode, string reason, CancellationToken cancellationToken = default);

    /// <summary>Cordons a node (its runs go on, nothing new is placed there) or uncordons it.</summary>
    Task<NodeView> CordonNodeAsync(string name, bool cordoned, string reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes a node. Without <paramref name="drain"/> it is refused while anything runs there. With it, the node is
    /// cordoned, its runs get up to <paramref name="drainTimeout"/> to end, and the training jobs still running then
    /// are preempted (re-queued keeping their wait time) before the node is removed.
    /// </summary>
    Task<NodeRemoval> RemoveNodeAsync(string name, bool drain, TimeSpan drainTimeout, CancellationToken cancellationToken = default);

    /// <summary>Sets a department's GPU quota in each named pool (other pools unchanged).</summary>
    Task<DepartmentView> SetQuotaAsync(string department, IReadOnlyDictionary<string, int> gpusByPool, CancellationToken cancellationToken = default);

    Task<DepartmentView> GetDepartmentAsync(string department, CancellationToken cancellationToken = default);

    /// <summary>All departments, ordered by name.</summary>
    Task<ImmutableArray<DepartmentView>> ListDepartmentsAsync(CancellationToken cancellationToken = default);

    /// <summary>Submits a training job; submitting the same id again returns the existing job (<c>Created = false</c>).</summary>
    Task<SubmitResult> SubmitJobAsync(JobSpec spec, CancellationToken cancellationToken = default);

    /// <summary>
    /// Submits many jobs at once (bounded concurrency over the client's connection, each job idempotent as in
    /// <see cref="SubmitJobAsync"/>); results are in the order of <paramref name="specs"/>. A refused job fails the call
    /// with its error after the others were submitted.
    /// </summary>
    Task<ImmutableArray<SubmitResult>> SubmitManyAsync(IReadOnlyList<JobSpec> specs, CancellationToken cancellationToken = default);

    Task<JobView> GetJobAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>The job plus, while it waits, its entries in the queues of the pools it accepts.</summary>
    Task<JobDetails> GetJobDetailsAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Jobs newest first (in the order their submits were acknowledged), optionally only one department's and/or one
    /// status; at most <paramref name="limit"/> of them, after the job <paramref name="after"/> (the last one of the
    /// previous page) when given. Every acknowledged job is listed: the index is durable and never drops entries.
    /// </summary>
    Task<ImmutableArray<JobView>> ListJobsAsync(string? department = null, JobStatus? status = null, int? limit = null, string? after = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads attempt <paramref name="attempt"/> of a job's log from <paramref name="offset"/>, through the node agent of the
    /// node it ran on (logs stay on the node). Throws not-found when the attempt never ran or its agent is not connected.
    /// </summary>
    Task<Abstractions.Contracts.Agent.LogChunk> ReadJobLogAsync(string jobId, int attempt, long offset, int maxBytes = 64 * 1024, CancellationToken cancellationToken = default);

    Task<JobView> CancelJobAsync(string jobId, string reason = "cancelled by user", CancellationToken cancellationToken = default);

    /// <summary>A pool's scheduler view; throws <see cref="Abstractions.Errors.WpaiNotFoundException"/> for a pool nothing refers to.</summary>
    Task<PoolView> GetPoolAsync(string pool, CancellationToken cancellationToken = default);

    /// <summary>Every pool that has nodes, ordered by name.</summary>
    Task<ImmutableArray<PoolView>> ListPoolsAsync(CancellationToken cancellationToken = default);

    /// <summary>Every silo the membership table knows (active or not), with its grain activations.</summary>
    Task<ClusterStatus> GetClusterStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Each silo's unfinished recovery work: runs that could not be completed, jobs that could not be re-attached.</summary>
    Task<ImmutableArray<RunHealth>> GetRunHealthAsync(CancellationToken cancellationToken = default);

    /// <summary>Deploys (or updates) an inference service; replicas are placed on online nodes of its pool.</summary>
    Task<InferenceServiceView> DeployServiceAsync(InferenceServiceSpec spec, CancellationToken cancellationToken = default);

    /// <summary>An inference service with its replicas, forecaster and recorded scaling decisions.</summary>
    Task<InferenceServiceView> GetServiceAsync(string name, CancellationToken cancellationToken = default);

    Task<ImmutableArray<InferenceServiceView>> ListServicesAsync(CancellationToken cancellationToken = default);

    /// <summary>Manual override of the replica count, recorded with its reason.</summary>
    Task<ScalingDecisionView> ScaleServiceAsync(string name, int replicas, string reason, CancellationToken cancellationToken = default);

    /// <summary>Rolls a service's replicas to another model repository, one at a time (surge 1).</summary>
    Task<InferenceServiceView> UpdateServiceModelsAsync(string name, string modelRepository, CancellationToken cancellationToken = default);

    /// <summary>A pool's online/offline mixing controller: settings, last measurements, counters, newest decisions; null when none is configured.</summary>
    Task<MixingView?> GetMixingAsync(string pool, CancellationToken cancellationToken = default);

    /// <summary>Configures (or reconfigures) a pool's mixing controller; bad settings or an unknown pool are rejected, changing nothing.</summary>
    Task<MixingView> ConfigureMixingAsync(string pool, MixingSettings settings, CancellationToken cancellationToken = default);

    /// <summary>Runs one tick of a pool's mixing controller now and returns the handover steps it took.</summary>
    Task<ImmutableArray<MixingDecision>> TickMixingAsync(string pool, CancellationToken cancellationToken = default);
}
