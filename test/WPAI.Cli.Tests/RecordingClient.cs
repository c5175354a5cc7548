using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;
using WPAI.Client;

namespace WPAI.Cli.Tests;

/// <summary>
/// Stands in for the cluster in parsing tests: records what the CLI asked for and answers with fixed views.
/// The end-to-end tests drive the real client against a real silo instead.
/// </summary>
internal sealed class RecordingClient : IWpaiClient, IWpaiConnector
{
    public List<string> Calls { get; } = [];

    public List<WpaiClientOptions> Connections { get; } = [];

    public JobSpec? SubmittedSpec { get; private set; }

    /// <summary>What job get answers (default: a pending job).</summary>
    public JobView? Job { get; set; }
    public ImmutableArray<JobSpec> SubmittedSpecs { get; private set; } = [];

    public (NodeSpec Spec, NodeMode Mode)? AddedNode { get; private set; }

    public IReadOnlyDictionary<string, int>? Quota { get; private set; }

    public (string? Department, JobStatus? Status, int? Limit)? JobFilter { get; private set; }

    public Exception? Throw { get; set; }

    /// <summary>What service get answers (default: none, so service commands fail with not found).</summary>
    public WPAI.Abstractions.Contracts.Inference.InferenceServiceView? Service { get; set; }

    public Task<IWpaiSession> ConnectAsync(WpaiClientOptions options, CancellationToken cancellationToken)
    {
        Connections.Add(options);
        return Task.FromResult<IWpaiSession>(new Session(this));
    }

    public Task<NodeView> AddNodeAsync(NodeSpec spec, NodeMode mode = NodeMode.Fixed, CancellationToken cancellationToken = default)
    {
        AddedNode = (spec, mode);
        return AnswerAsync("node add", Views.Node(spec.Name, mode) with { Spec = spec });
    }

    public Task<ImmutableArray<NodeView>> ListNodesAsync(string? pool = null, CancellationToken cancellationToken = default) =>
        AnswerAsync($"node list {pool}", ImmutableArray.Create(Views.Node()));

    public Task<NodeView> GetNodeAsync(string name, CancellationToken cancellationToken = default) =>
        AnswerAsync($"node show {name}", Views.Node(name));

    public Task<DepartmentView> SetQuotaAsync(string department, IReadOnlyDictionary<string, int> gpusByPool, CancellationToken cancellationToken = default)
    {
        Quota = gpusByPool;
        return AnswerAsync($"dept set-quota {department}", Views.Department(department));
    }

    public Task<DepartmentView> GetDepartmentAsync(string department, CancellationToken cancellationToken = default) =>
        AnswerAsync($"dept show {department}", Views.Department(department));

    public Task<ImmutableArray<DepartmentView>> ListDepartmentsAsync(CancellationToken cancellationToken = default) =>
        AnswerAsync("dept list", ImmutableArray.Create(Views.Department()));

    public Task<SubmitResult> SubmitJobAsync(JobSpec spec, CancellationToken cancellationToken = default)
    {
        SubmittedSpec = spec;
        return AnswerAsync("job submit", new SubmitResult(Views.PendingJob() with { Spec = spec }, true));
    }

    public Task<ImmutableArray<SubmitResult>> SubmitManyAsync(IReadOnlyList<JobSpec> specs, CancellationToken cancellationToken = default)
    {
        SubmittedSpecs = [.. specs];
        return AnswerAsync("job submit --file", specs.Select(s => new SubmitResult(Views.PendingJob() with { Spec = s }, true)).ToImmutableArray());
    }

    public Task<JobView> GetJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        AnswerAsync($"job get {jobId}", Job ?? Views.PendingJob());

    public Task<WPAI.Abstractions.Contracts.Agent.LogChunk> ReadJobLogAsync(string jobId, int attempt, long offset, int maxBytes = 64 * 1024, CancellationToken cancellationToken = default) =>
        AnswerAsync($"job logs {jobId} {attempt} {offset}", offset == 0 ? new WPAI.Abstractions.Contracts.Agent.LogChunk("line 1\n", 0, 7, true) : new WPAI.Abstractions.Contracts.Agent.LogChunk(string.Empty, offset, offset, true));

    public Task<JobDetails> GetJobDetailsAsync(string jobId, CancellationToken cancellationToken = default) =>
        AnswerAsync($"job show {jobId}", new JobDetails(Views.PendingJob(), [new JobQueuePosition("T4", 5, Views.Queued())]));

    public Task<ImmutableArray<JobView>> ListJobsAsync(string? department = null, JobStatus? status = null, int? limit = null, string? after = null, CancellationToken cancellationToken = default)
    {
        JobFilter = (department, status, limit);
        return AnswerAsync("job list", ImmutableArray.Create(Views.PendingJob(), Views.RunningJob() with { Spec = Views.Spec("resnet-2") }));
    }

    public Task<NodeView> SetNodeModeAsync(string name, NodeMode mode, string reason, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("not recorded");

    public Task<NodeView> CordonNodeAsync(string name, bool cordoned, string reason, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("not recorded");

    public Task<NodeRemoval> RemoveNodeAsync(string name, bool drain, TimeSpan drainTimeout, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("not recorded");

    public Task<ImmutableArray<RunHealth>> GetRunHealthAsync(CancellationToken cancellationToken = default) =>
        AnswerAsync("run health", ImmutableArray<RunHealth>.Empty);

    public Task<JobView> CancelJobAsync(string jobId, string reason = "cancelled by user", CancellationToken cancellationToken = default) =>
        AnswerAsync($"job cancel {jobId} ({reason})", Views.PendingJob() with { Status = JobStatus.Cancelled, Explanation = reason });

    public Task<PoolView> GetPoolAsync(string pool, CancellationToken cancellationToken = default) =>
        pool == "nope"
            ? throw new WpaiNotFoundException("pool 'nope' does not exist (no node, quota or job refers to it); known pools: T4")
            : AnswerAsync($"pool show {pool}", Views.Pool(pool, Views.Queued()));

    public Task<ImmutableArray<PoolView>> ListPoolsAsync(CancellationToken cancellationToken = default) =>
        AnswerAsync("pool list", ImmutableArray.Create(Views.Pool()));

    private Task<T> AnswerAsync<T>(string call, T answer)
    {
        Calls.Add(call.TrimEnd());
        return Throw is { } exception ? Task.FromException<T>(exception) : Task.FromResult(answer);
    }

    private sealed class Session(IWpaiClient client) : IWpaiSession
    {
        public IWpaiClient Client => client;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    public Task<WPAI.Abstractions.Contracts.Inference.InferenceServiceView> DeployServiceAsync(WPAI.Abstractions.Contracts.Inference.InferenceServiceSpec spec, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the recording client has no inference services");

    public Task<WPAI.Abstractions.Contracts.Inference.InferenceServiceView> UpdateServiceModelsAsync(string name, string modelRepository, CancellationToken cancellationToken = default)
    {
        Calls.Add($"service update {name} {modelRepository}");
        var service = Service ?? throw new NotSupportedException("the recording client has no inference services");
        return Task.FromResult(service with { RolloutTarget = modelRepository });
    }

    public Task<WPAI.Abstractions.Contracts.Inference.InferenceServiceView> GetServiceAsync(string name, CancellationToken cancellationToken = default)
    {
        Calls.Add($"service get {name}");
        return Service is { } service && service.Spec.Name == name
            ? Task.FromResult(service)
            : throw new WpaiNotFoundException("inference service", name);
    }

    public Task<ImmutableArray<WPAI.Abstractions.Contracts.Inference.InferenceServiceView>> ListServicesAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the recording client has no inference services");

    public Task<WPAI.Abstractions.Contracts.Inference.ScalingDecisionView> ScaleServiceAsync(string name, int replicas, string reason, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the recording client has no inference services");

    public Task<WPAI.Client.ClusterStatus> GetClusterStatusAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the recording client has no cluster");

    public MixingSettings? MixingConfigured { get; private set; }

    public MixingView? Mixing { get; set; }

    public Task<MixingView?> GetMixingAsync(string pool, CancellationToken cancellationToken = default) =>
        AnswerAsync($"pool mixing get {pool}", Mixing);

    public Task<MixingView> ConfigureMixingAsync(string pool, MixingSettings settings, CancellationToken cancellationToken = default)
    {
        MixingConfigured = settings;
        Mixing = Views.Mixing(pool) with { Settings = settings };
        return AnswerAsync($"pool mixing configure {pool}", Mixing);
    }

    public Task<ImmutableArray<MixingDecision>> TickMixingAsync(string pool, CancellationToken cancellationToken = default) =>
        AnswerAsync($"pool mixing tick {pool}", Views.Mixing(pool).Decisions);
}
