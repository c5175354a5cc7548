using System.Globalization;
using WPAI.Abstractions.Errors;

namespace WPAI.Simulation.Workload;

/// <summary>
/// A minimal reader for the plain comma-separated trace files (no quoting): checks the header, splits rows and
/// parses fields, failing with the file, line, column and reason.
/// </summary>
internal sealed class CsvTable
{
    private readonly string _file;
    private readonly string[] _columns;
    private readonly Dictionary<string, int> _index;

    private CsvTable(string file, string[] columns)
    {
        _file = file;
        _columns = columns;
        _index = columns.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
    }

    public static IEnumerable<CsvRow> Read(string path, IReadOnlyList<string> required)
    {
        if (!File.Exists(path))
        {
            throw new WpaiValidationException(path, "the file does not exist", "Pass an existing CSV file (the openb traces live in shared/data/traces).");
        }

        using var reader = new StreamReader(path);
        var header = reader.ReadLine();
        if (header is null)
        {
            throw new WpaiValidationException($"{path}:1:1", "the file is empty", $"Give it the header line {string.Join(',', required)}.");
        }

        var table = new CsvTable(path, header.Trim().Split(','));
        foreach (var column in required)
        {
            if (!table._index.ContainsKey(column))
            {
                throw new WpaiValidationException(
                    $"{path}:1:1",
                    $"the header lacks the column '{column}' (found: {header.Trim()})",
                    $"The header must name {string.Join(',', required)}.");
            }
        }

        var lineNumber = 1;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length != table._columns.Length)
            {
                throw new WpaiValidationException(
                    $"{path}:{lineNumber}:1",
                    $"the row has {fields.Length} fields but the header has {table._columns.Length}",
                    "Give every row one value per header column, separated by commas.");
            }

            yield return new CsvRow(table, lineNumber, line, fields);
        }
    }

    internal readonly struct CsvRow(CsvTable table, int line, string text, string[] fields)
    {
        public int Line => line;

        public string Text(string column) => fields[table._index[column]].Trim();

        public long Long(string column, long min = long.MinValue)
        {
            var raw = Text(column);
            if (!long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                throw Error(column, $"'{raw}' is not an integer", $"Write {column} as a whole number.");
            }

            if (value < min)
            {
                throw Error(column, $"{value} is below the minimum {min}", $"Write a {column} of at least {min}.");
            }

            return value;
        }

        public int Int(string column, int min = int.MinValue)
        {
            var value = Long(column, min);
            if (value > int.MaxValue)
            {
                throw Error(column, $"{value} is too large", $"Write a {column} below {int.MaxValue}.");
            }

            return (int)value;
        }

        public WpaiValidationException Error(string column, string reason, string fix)
        {
            var i = table._index[column];
            var col = 1;
            for (var k = 0; k < i; k++)
            {
                col += fields[k].Length + 1;
            }

            _ = text;
            return new WpaiValidationException($"{table._file}:{line}:{col} ({column})", reason, fix);
        }
    }
}
