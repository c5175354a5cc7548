using System.Collections.Concurrent;

namespace WPAI.Grains.Tests.Storage;

/// <summary>Which grain states' writes <see cref="FailingGrainStorage"/> fails now (shared across silo restarts).</summary>
public sealed class StorageFaults
{
    private readonly ConcurrentDictionary<string, bool> _failing = new(StringComparer.Ordinal);

    /// <summary>From now on, every write of the state <paramref name="stateName"/> ("job", "department", "scheduler", "node") fails.</summary>
    public void FailWrites(string stateName) => _failing[stateName] = true;

    public void Clear() => _failing.Clear();

    public bool Fails(string stateName) => _failing.ContainsKey(stateName);
}
