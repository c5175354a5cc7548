using System.Collections.Immutable;

namespace WPAI.Client;

/// <summary>A bounded <see cref="Task.WhenAll(IEnumerable{Task})"/>: at most N calls in flight, results in input order.</summary>
internal static class FanOut
{
    /// <summary>Runs <paramref name="select"/> for every item; null results (items that vanished) are left out.</summary>
    public static async Task<ImmutableArray<TOut>> SelectAsync<TIn, TOut>(
        IReadOnlyList<TIn> items,
        int maxConcurrency,
        Func<TIn, Task<TOut?>> select,
        CancellationToken cancellationToken)
        where TOut : class
    {
        if (items.Count == 0)
        {
            return [];
        }

        var results = new TOut?[items.Count];
        using var gate = new SemaphoreSlim(Math.Max(1, maxConcurrency));
        var tasks = new Task[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            tasks[i] = RunOneAsync(i);
        }

        await Task.WhenAll(tasks);
        return [.. results.Where(r => r is not null).Select(r => r!)];

        async Task RunOneAsync(int index)
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                results[index] = await select(items[index]);
            }
            finally
            {
                gate.Release();
            }
        }
    }
}
