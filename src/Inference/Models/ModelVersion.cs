using WPAI.Inference.Batching;
using WPAI.Inference.Metrics;
using WPAI.Inference.Runtime;

namespace WPAI.Inference.Models;

/// <summary>
/// One loaded (or failed) version of a model in the repository. Requests hold a <see cref="ModelLease"/> on it; an
/// unloaded or replaced version is disposed only when the last request holding it has finished.
/// </summary>
public sealed class ModelVersion(string model, long version, string path, ModelConfig config) : IAsyncDisposable
{
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _references = 1;
    private int _retired;
    private int _inFlight;

    public string Model { get; } = model;

    public long Version { get; } = version;

    public string Path { get; } = path;

    public ModelConfig Config { get; } = config;

    public ModelSession? Session { get; private set; }

    public IInferenceScheduler? Scheduler { get; private set; }

    /// <summary>Why the version is not ready (null when ready).</summary>
    public string? FailureReason { get; private set; }

    public bool IsReady => Session is not null && Scheduler is not null;

    /// <summary>True when requests carry a batch dimension (maxBatchSize &gt; 0).</summary>
    public bool Batches => Config.MaxBatchSize > 0;

    public ModelStatistics Statistics { get; } = new();

    /// <summary>Requests admitted and not yet answered.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public void MarkReady(ModelSession session, IInferenceScheduler scheduler)
    {
        Session = session;
        Scheduler = scheduler;
        FailureReason = null;
    }

    public void MarkFailed(string reason) => FailureReason = reason;

    /// <summary>Admits one request: false when the version is retired or already has <see cref="ModelConfig.EffectiveMaxInFlight"/> requests in flight.</summary>
    public bool TryEnter(out bool overLimit)
    {
        overLimit = false;
        while (true)
        {
            var references = Volatile.Read(ref _references);
            if (references == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, references + 1, references) == references)
            {
                break;
            }
        }

        if (Interlocked.Increment(ref _inFlight) > Config.EffectiveMaxInFlight)
        {
            overLimit = true;
            Exit();
            return false;
        }

        return true;
    }

    /// <summary>Ends a request admitted by <see cref="TryEnter"/>.</summary>
    public void Exit()
    {
        Answered();
        Release();
    }

    /// <summary>
    /// Counts a request admitted by <see cref="TryEnter"/> as answered: its outputs are ready, so it no longer counts
    /// against <see cref="ModelConfig.EffectiveMaxInFlight"/>; the version stays held until <see cref="Release"/>.
    /// </summary>
    internal void Answered() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Retires the version: no new requests; completes once the last request has finished and the session is disposed.</summary>
    public Task RetireAsync()
    {
        if (Interlocked.Exchange(ref _retired, 1) == 0)
        {
            Release();
        }

        return _disposed.Task;
    }

    public ValueTask DisposeAsync() => new(RetireAsync());

    /// <summary>Drops one hold on the version (a lease's, or the repository's own when retired).</summary>
    internal void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _ = DisposeCoreAsync();
        }
    }

    private async Task DisposeCoreAsync()
    {
        try
        {
            if (Scheduler is not null)
            {
                await Scheduler.DisposeAsync();
            }

            Session?.Dispose();
        }
        finally
        {
            _disposed.TrySetResult();
        }
    }
}
