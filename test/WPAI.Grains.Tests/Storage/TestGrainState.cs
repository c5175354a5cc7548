namespace WPAI.Grains.Tests.Storage;

/// <summary>An <see cref="IGrainState{T}"/> with a non-null state, as a grain's storage bridge holds it.</summary>
public sealed class TestGrainState(StorageTestState state, string? etag = null) : IGrainState<StorageTestState>
{
    public TestGrainState()
        : this(new StorageTestState())
    {
    }

    public StorageTestState State { get; set; } = state;

    StorageTestState? IGrainState<StorageTestState>.State
    {
        get => State;
        set => State = value ?? throw new ArgumentNullException(nameof(value));
    }

    public string? ETag { get; set; } = etag;

    public bool RecordExists { get; set; }
}
