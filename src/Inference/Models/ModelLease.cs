namespace WPAI.Inference.Models;

/// <summary>One request's hold on a model version: the version stays loaded until the lease is disposed.</summary>
public sealed class ModelLease(ModelVersion version) : IDisposable
{
    private int _disposed;

    public ModelVersion Version { get; } = version;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Version.Exit();
        }
    }
}
