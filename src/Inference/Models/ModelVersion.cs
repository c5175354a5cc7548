using WPAI.Inference.Batching;
using WPAI.Inference.Metrics;
using WPAI.Inference.Runtime;

namespace WPAI.Inference.Models;

/// <summary>One loaded (or failed) version of a model in the repository.</summary>
public sealed class ModelVersion(string model, long version, string path, ModelConfig config) : IAsyncDisposable
{
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

    public void MarkReady(ModelSession session, IInferenceScheduler scheduler)
    {
        Session = session;
        Scheduler = scheduler;
        FailureReason = null;
    }

    public void MarkFailed(string reason) => FailureReason = reason;

    public async ValueTask DisposeAsync()
    {
        if (Scheduler is not null)
        {
            await Scheduler.DisposeAsync();
        }

        Session?.Dispose();
    }
}
