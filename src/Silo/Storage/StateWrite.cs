namespace WPAI.Silo.Storage;

/// <summary>
/// One queued write (or clear, when <see cref="Payload"/> is null) of a group-committing state store, checked against
/// the version the caller read (null: the caller saw no row). Completes with the new version once its batch committed.
/// </summary>
internal sealed class StateWrite<TKey>(TKey key, long? expectedVersion, byte[]? payload)
{
    public TKey Key { get; } = key;

    public long? ExpectedVersion { get; } = expectedVersion;

    /// <summary>Null for a clear.</summary>
    public byte[]? Payload { get; } = payload;

    public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
