namespace WPAI.Domain.Common;

/// <summary>
/// The one way a bounded history (decisions, samples, transitions, realized pairs) keeps its size: add the new item at
/// the newest end and drop the oldest beyond the bound.
/// </summary>
public static class BoundedList
{
    /// <summary>Appends <paramref name="item"/> (newest last) and drops the oldest beyond <paramref name="max"/>; returns how many were dropped.</summary>
    public static int AddNewestLast<T>(List<T> list, T item, int max)
    {
        ArgumentNullException.ThrowIfNull(list);
        list.Add(item);
        return TrimOldestFirst(list, max);
    }

    /// <summary>Inserts <paramref name="item"/> at the front (newest first) and drops the oldest beyond <paramref name="max"/>; returns how many were dropped.</summary>
    public static int AddNewestFirst<T>(List<T> list, T item, int max)
    {
        ArgumentNullException.ThrowIfNull(list);
        list.Insert(0, item);
        CheckMax(max);
        var drop = Math.Max(0, list.Count - max);
        if (drop > 0)
        {
            list.RemoveRange(max, drop);
        }

        return drop;
    }

    /// <summary>Drops the oldest items (at the front) of a newest-last list beyond <paramref name="max"/>; returns how many were dropped.</summary>
    public static int TrimOldestFirst<T>(List<T> list, int max)
    {
        ArgumentNullException.ThrowIfNull(list);
        CheckMax(max);
        var drop = Math.Max(0, list.Count - max);
        if (drop > 0)
        {
            list.RemoveRange(0, drop);
        }

        return drop;
    }

    private static void CheckMax(int max)
    {
        if (max < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, "a bound cannot be negative");
        }
    }
}
