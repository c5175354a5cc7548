using System.Globalization;
using WPAI.Forecasting;
using WPAI.Simulation.Workload;

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
/// Fields may be quoted (RFC 4180, read with Sep). Anything else is rejected with the file, line and column.
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

        var table = CsvTable.Read(path, (line, column, _, reason, fix) => new LoadFileException(path, line, column, reason, fix));
        if (table.Header.Count == 0)
        {
            throw new LoadFileException(path, 1, 1, "the file is empty", "A load file starts with a header such as 'timestamp,value'");
        }

        var header = string.Join(',', table.Header);
        var name = System.IO.Path.GetFileNameWithoutExtension(path);
        return header.ToLowerInvariant() switch
        {
            "timestamp,value" => ReadNab(table, name),
            "timestamp_anon,value,container_ip,request_type" => ReadAlibaba(table, name),
            "timestamp,contexttokens,generatedtokens" => ReadAzure(table, name),
            _ => throw new LoadFileException(
                path, 1, 1, $"unknown header '{header}'",
                "Supported headers: 'timestamp,value' (NAB), 'timestamp_anon,value,container_ip,request_type' (alibaba GenAI), 'TIMESTAMP,ContextTokens,GeneratedTokens' (Azure LLM)"),
        };
    }

    private static LoadSeries ReadNab(CsvTable table, string name)
    {
        var points = new List<(DateTimeOffset At, double Value)>(table.Rows.Count);
        foreach (var row in table.Rows)
        {
            Expect(table, row, 2);
            var at = ParseTime(table, row, 0);
            var value = ParseValue(table, row, 1);
            points.Add((at, value));
        }

        if (points.Count < 2)
        {
            throw table.Error(table.LastLine, 1, null, "fewer than 2 data rows", "A load trace needs at least 2 points to have a step");
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
            throw table.Error(2, 1, null, "every row has the same timestamp", "Timestamps must advance");
        }

        var step = TimeSpan.FromTicks(diffs.MaxBy(kv => kv.Value).Key);
        return OnGrid(name, points, step);
    }

    private static LoadSeries ReadAlibaba(CsvTable table, string name)
    {
        // (minute, container) -> (sum, count)
        var cells = new Dictionary<(long Minute, string Container), (double Sum, int Count)>();
        foreach (var row in table.Rows)
        {
            Expect(table, row, 4);
            if (!double.TryParse(row[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds))
            {
                throw table.Error(row.Lines[0], row.Columns[0], null, $"'{row[0]}' is not a Unix time in seconds", "timestamp_anon must be a number of seconds");
            }

            var value = ParseValue(table, row, 1);
            var key = ((long)Math.Floor(seconds / 60), row[2] + "|" + row[3]);
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
            throw table.Error(table.LastLine, 1, null, "fewer than 2 minutes of data", "A load trace needs at least 2 points");
        }

        var points = perMinute.Select(kv => (DateTimeOffset.FromUnixTimeSeconds(kv.Key * 60), kv.Value)).ToList();
        return OnGrid(name, points, TimeSpan.FromMinutes(1));
    }

    private static LoadSeries ReadAzure(CsvTable table, string name)
    {
        var perMinute = new SortedDictionary<DateTimeOffset, double>();
        foreach (var row in table.Rows)
        {
            Expect(table, row, 3);
            var at = ParseTime(table, row, 0);
            var minute = new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, TimeSpan.Zero);
            perMinute[minute] = perMinute.GetValueOrDefault(minute) + (1.0 / 60.0);
        }

        if (perMinute.Count < 2)
        {
            throw table.Error(table.LastLine, 1, null, "fewer than 2 minutes of requests", "A request trace needs requests in at least 2 minutes");
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

    private static void Expect(CsvTable table, CsvRow row, int expected)
    {
        if (row.Count != expected)
        {
            throw table.Error(row.Line, 1, null, $"expected {expected} comma-separated columns, found {row.Count}", "Fix or remove this row");
        }
    }

    private static DateTimeOffset ParseTime(CsvTable table, CsvRow row, int index)
    {
        if (DateTimeOffset.TryParseExact(row[index], NabFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return at;
        }

        throw table.Error(row.Lines[index], row.Columns[index], null, $"'{row[index]}' is not a timestamp", "Use 'yyyy-MM-dd HH:mm:ss' (UTC)");
    }

    private static double ParseValue(CsvTable table, CsvRow row, int index)
    {
        if (double.TryParse(row[index], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= 0)
        {
            return v;
        }

        throw table.Error(row.Lines[index], row.Columns[index], null, $"'{row[index]}' is not a non-negative number", "The value column holds the load (requests, QPS, counts)");
    }
}
