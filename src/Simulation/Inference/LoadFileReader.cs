using System.Globalization;
using WPAI.Forecasting;

namespace WPAI.Simulation.Inference;

/// <summary>
/// Reads an inference load trace into a regular <see cref="LoadSeries"/>. Formats (by header):
/// <list type="bullet">
/// <item><c>timestamp,value</c> (numenta/NAB): <c>yyyy-MM-dd HH:mm:ss</c> (UTC) and a load value; the step is the
/// most common spacing, points are put on that grid (duplicates averaged) and gaps filled linearly.</item>
/// <item><c>timestamp_anon,value,container_ip,request_type</c> (alibaba GenAI): per-container QPS at Unix seconds;
/// each container's mean QPS per minute, summed over containers, on a 1-minute grid.</item>
/// <item><c>TIMESTAMP,ContextTokens,GeneratedTokens</c> (Azure LLM inference): one row per request; requests per
/// minute / 60 = QPS on a 1-minute grid.</item>
/// </list>
/// Anything else is rejected with the file, line and column.
/// </summary>
public static class LoadFileReader
{
    private static readonly string[] NabFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-dd HH:mm:ss.FFFFFFF"];

    public static LoadSeries Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new LoadFileException(path, 0, 0, "the file does not exist", "Pass a load trace such as ../shared/data/load/nyc_taxi.csv");
        }

        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || string.IsNullOrWhiteSpace(lines[0]))
        {
            throw new LoadFileException(path, 1, 1, "the file is empty", "A load file starts with a header such as 'timestamp,value'");
        }

        var header = lines[0].Trim().TrimStart('\uFEFF');
        var name = System.IO.Path.GetFileNameWithoutExtension(path);
        return header.ToLowerInvariant() switch
        {
            "timestamp,value" => ReadNab(path, name, lines),
            "timestamp_anon,value,container_ip,request_type" => ReadAlibaba(path, name, lines),
            "timestamp,contexttokens,generatedtokens" => ReadAzure(path, name, lines),
            _ => throw new LoadFileException(
                path, 1, 1, $"unknown header '{header}'",
                "Supported headers: 'timestamp,value' (NAB), 'timestamp_anon,value,container_ip,request_type' (alibaba GenAI), 'TIMESTAMP,ContextTokens,GeneratedTokens' (Azure LLM)"),
        };
    }

    private static LoadSeries ReadNab(string path, string name, string[] lines)
    {
        var points = new List<(DateTimeOffset At, double Value)>(lines.Length);
        for (var i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var cells = Split(path, lines[i], i + 1, 2);
            var at = ParseTime(path, i + 1, 1, cells[0]);
            var value = ParseValue(path, i + 1, cells[0].Length + 2, cells[1]);
            points.Add((at, value));
        }

        if (points.Count < 2)
        {
            throw new LoadFileException(path, lines.Length, 1, "fewer than 2 data rows", "A load trace needs at least 2 points to have a step");
        }

        points.Sort((a, b) => a.At.CompareTo(b.At));
        var diffs = new Dictionary<long, int>();
        for (var i = 1; i < points.Count; i++)
        {
            var d = (points[i].At - points[i - 1].At).Ticks;
            if (d > 0)
            {
                diffs[d] = diffs.GetValueOrDefault(d) + 1;
            }
        }

        if (diffs.Count == 0)
        {
            throw new LoadFileException(path, 2, 1, "every row has the same timestamp", "Timestamps must advance");
        }

        var step = TimeSpan.FromTicks(diffs.MaxBy(kv => kv.Value).Key);
        return OnGrid(name, points, step);
    }

    private static LoadSeries ReadAlibaba(string path, string name, string[] lines)
    {
        // (minute, container) -> (sum, count)
        var cells = new Dictionary<(long Minute, string Container), (double Sum, int Count)>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var c = Split(path, lines[i], i + 1, 4);
            if (!double.TryParse(c[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds))
            {
                throw new LoadFileException(path, i + 1, 1, $"'{c[0]}' is not a Unix time in seconds", "timestamp_anon must be a number of seconds");
            }

            var value = ParseValue(path, i + 1, c[0].Length + 2, c[1]);
            var key = ((long)Math.Floor(seconds / 60), c[2] + "|" + c[3]);
            var (sum, count) = cells.GetValueOrDefault(key);
            cells[key] = (sum + value, count + 1);
        }

        var perMinute = new SortedDictionary<long, double>();
        foreach (var ((minute, _), (sum, count)) in cells)
        {
            perMinute[minute] = perMinute.GetValueOrDefault(minute) + (sum / count);
        }

        if (perMinute.Count < 2)
        {
            throw new LoadFileException(path, lines.Length, 1, "fewer than 2 minutes of data", "A load trace needs at least 2 points");
        }

        var points = perMinute.Select(kv => (DateTimeOffset.FromUnixTimeSeconds(kv.Key * 60), kv.Value)).ToList();
        return OnGrid(name, points, TimeSpan.FromMinutes(1));
    }

    private static LoadSeries ReadAzure(string path, string name, string[] lines)
    {
        var perMinute = new SortedDictionary<DateTimeOffset, double>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var c = Split(path, lines[i], i + 1, 3);
            var at = ParseTime(path, i + 1, 1, c[0]);
            var minute = new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, TimeSpan.Zero);
            perMinute[minute] = perMinute.GetValueOrDefault(minute) + (1.0 / 60.0);
        }

        if (perMinute.Count < 2)
        {
            throw new LoadFileException(path, lines.Length, 1, "fewer than 2 minutes of requests", "A request trace needs requests in at least 2 minutes");
        }

        // Minutes without a request have zero load, not a gap.
        var first = perMinute.Keys.First();
        var last = perMinute.Keys.Last();
        var values = new double[(int)((last - first).TotalMinutes) + 1];
        foreach (var (minute, qps) in perMinute)
        {
            values[(int)(minute - first).TotalMinutes] = qps;
        }

        return new LoadSeries(name, first, TimeSpan.FromMinutes(1), values);
    }

    /// <summary>Puts points on a regular grid of <paramref name="step"/>: duplicates averaged, gaps interpolated.</summary>
    private static LoadSeries OnGrid(string name, List<(DateTimeOffset At, double Value)> points, TimeSpan step)
    {
        var start = points[0].At;
        var n = (int)Math.Round((points[^1].At - start) / step) + 1;
        var sum = new double[n];
        var count = new int[n];
        foreach (var (at, value) in points)
        {
            var slot = (int)Math.Round((at - start) / step);
            sum[slot] += value;
            count[slot]++;
        }

        var values = new double[n];
        var lastKnown = -1;
        for (var i = 0; i < n; i++)
        {
            if (count[i] == 0)
            {
                continue;
            }

            values[i] = sum[i] / count[i];
            if (lastKnown >= 0 && i - lastKnown > 1)
            {
                for (var j = lastKnown + 1; j < i; j++)
                {
                    var w = (double)(j - lastKnown) / (i - lastKnown);
                    values[j] = (values[lastKnown] * (1 - w)) + (values[i] * w);
                }
            }

            lastKnown = i;
        }

        return new LoadSeries(name, start, step, values);
    }

    private static string[] Split(string path, string line, int lineNo, int expected)
    {
        var cells = line.Split(',');
        if (cells.Length != expected)
        {
            throw new LoadFileException(path, lineNo, 1, $"expected {expected} comma-separated columns, found {cells.Length}", "Fix or remove this row");
        }

        return cells;
    }

    private static DateTimeOffset ParseTime(string path, int line, int column, string text)
    {
        if (DateTimeOffset.TryParseExact(text.Trim(), NabFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return at;
        }

        throw new LoadFileException(path, line, column, $"'{text}' is not a timestamp", "Use 'yyyy-MM-dd HH:mm:ss' (UTC)");
    }

    private static double ParseValue(string path, int line, int column, string text)
    {
        if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= 0)
        {
            return v;
        }

        throw new LoadFileException(path, line, column, $"'{text}' is not a non-negative number", "The value column holds the load (requests, QPS, counts)");
    }
}
