namespace WPAI.Inference.Load;

/// <summary>The default <see cref="ILoadReporter"/>: keeps the latest snapshot for inspection and sends nothing.</summary>
public sealed class NoOpLoadReporter : ILoadReporter
{
    public LoadSnapshot? Latest { get; private set; }

    public Task ReportAsync(LoadSnapshot snapshot, CancellationToken cancellationToken)
    {
        Latest = snapshot;
        return Task.CompletedTask;
    }
}
