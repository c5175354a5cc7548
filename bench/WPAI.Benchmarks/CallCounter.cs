using System.Collections.Concurrent;

namespace WPAI.Benchmarks;

/// <summary>
/// Counts the grain calls a silo receives (an incoming grain call filter: client→grain and grain→grain, one-way calls
/// included) by interface and method.
/// </summary>
internal sealed class CallCounter : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        _counts.AddOrUpdate($"{Short(context.InterfaceName)}.{context.MethodName}", 1, (_, n) => n + 1);
        return context.Invoke();
    }

    public long Count(string key) => _counts.GetValueOrDefault(key);

    public Dictionary<string, long> Snapshot() => new(_counts, StringComparer.Ordinal);

    private static string Short(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot < 0 ? name : name[(dot + 1)..];
    }
}
