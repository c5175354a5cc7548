using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace WPAI.Benchmarks;

/// <summary>
/// Counts the grain calls a silo receives (an incoming grain call filter: client→grain and grain→grain, one-way calls
/// included) by interface and method. Counted under the names Orleans hands over (no text is built per call, so the
/// counting adds no allocation to what the benchmark measures); the "Interface.Method" keys are made when read.
/// </summary>
internal sealed class CallCounter : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<(string Interface, string Method), StrongBox<long>> _counts = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        var count = _counts.GetOrAdd((context.InterfaceName, context.MethodName), static _ => new StrongBox<long>());
        Interlocked.Increment(ref count.Value);
        return context.Invoke();
    }

    public long Count(string key) => Snapshot().GetValueOrDefault(key);

    public Dictionary<string, long> Snapshot()
    {
        var snapshot = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var ((name, method), count) in _counts)
        {
            var key = $"{Short(name)}.{method}";
            snapshot[key] = snapshot.GetValueOrDefault(key) + Interlocked.Read(ref count.Value);
        }

        return snapshot;
    }

    private static string Short(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot < 0 ? name : name[(dot + 1)..];
    }
}
