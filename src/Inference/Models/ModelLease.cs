namespace WPAI.Inference.Models;

/// <summary>
/// One request's hold on a model version: the version stays loaded until the lease is disposed. The request counts
/// against the version's in-flight limit until <see cref="Answered"/> (or disposal), whichever comes first.
/// </summary>
public sealed class ModelLease(ModelVersion version) : IDisposable
{
    private int _answered;
    private int _disposed;

    public ModelVersion Version { get; } = version;

    /// <summary>
    /// The request's outputs are ready: called before the answer is written, so a caller that sends its next request as
    /// soon as the last byte of this answer arrives is never refused for a request already answered.
    /// </summary>
    public void Answered()
    {
        if (Interlocked.Exchange(ref _answered, 1) == 0)
        {
            Version.Answered();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Answered();
            Version.Release();
        }
    }
}
