using System.Globalization;
using WPAI.Abstractions.Contracts;

namespace WPAI.Client.Text;

/// <summary>Short, culture-invariant text for amounts, durations and times in tables.</summary>
public static class Format
{
    /// <summary>Millicores as cores: 8000 → <c>8</c>, 500 → <c>0.5</c>.</summary>
    public static string Cpu(int milli) => (milli / 1000d).ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>MiB as <c>256Gi</c>, <c>1.5Gi</c> or <c>512Mi</c>.</summary>
    public static string Memory(long mib) => mib >= 1024
        ? (mib / 1024d).ToString("0.##", CultureInfo.InvariantCulture) + "Gi"
        : mib.ToString(CultureInfo.InvariantCulture) + "Mi";

    /// <summary><c>4 GPU, 8 CPU, 32Gi</c>.</summary>
    public static string Resources(Resources resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        return $"{resources.Gpus} GPU, {Cpu(resources.CpuMilli)} CPU, {Memory(resources.MemoryMib)}";
    }

    /// <summary>Used of total: <c>2/4</c>.</summary>
    public static string UsedOf(int used, int total) => string.Create(CultureInfo.InvariantCulture, $"{used}/{total}");

    /// <summary><c>2d 3h</c>, <c>1h 05m</c>, <c>12m 30s</c>, <c>45s</c>.</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        if (duration.TotalDays >= 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalDays}d {duration.Hours}h");
        }

        if (duration.TotalHours >= 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours}h {duration.Minutes:00}m");
        }

        if (duration.TotalMinutes >= 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes}m {duration.Seconds:00}s");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalSeconds}s");
    }

    /// <summary>UTC, to the second: <c>2026-11-28 20:15:00Z</c>.</summary>
    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A fraction as a whole percentage, or <c>-</c>.</summary>
    public static string Percent(double? fraction) => fraction is { } f && !double.IsNaN(f)
        ? (f * 100).ToString("0", CultureInfo.InvariantCulture) + "%"
        : "-";

    public static string Score(double score) => score.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Tier(Tier tier) => tier == Abstractions.Contracts.Tier.Own ? "own" : "borrowed";

    /// <summary>The mode, with its target while the node drains: <c>Unnormal → OnlineNormal</c>.</summary>
    public static string Mode(NodeMode mode, NodeMode? target) => target is { } t && t != mode ? $"{mode} -> {t}" : mode.ToString();

    /// <summary><c>T4=8, P40=4</c>, ordered by pool.</summary>
    public static string PoolCounts(IReadOnlyDictionary<string, int>? counts) => counts is null || counts.Count == 0
        ? "-"
        : string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key}={c.Value}")));

    public static string OrDash(string? text) => string.IsNullOrWhiteSpace(text) ? "-" : text;
}
