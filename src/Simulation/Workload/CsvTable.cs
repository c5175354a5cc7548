using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using nietras.SeparatedValues;
using WPAI.Abstractions.Errors;

namespace WPAI.Simulation.Workload;

/// <summary>
/// A comma-separated file read with Sep (RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; fields
/// are trimmed; blank lines are skipped), kept with the line and column where each field starts so that readers can fail
/// with <c>file:line:column</c>. What a bad file means is the reader's to say: every error is built by
/// <see cref="ErrorFactory"/>.
/// </summary>
internal sealed class CsvTable
{
    private readonly Dictionary<string, int> _index;

    private CsvTable(string path, IReadOnlyList<string> header, IReadOnlyList<CsvRow> rows, int lastLine, ErrorFactory error)
    {
        Path = path;
        Header = header;
        Rows = rows;
        LastLine = lastLine;
        Error = error;
        _index = header.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>Builds the exception for a bad value at <paramref name="line"/>:<paramref name="column"/> (1-based) of <paramref name="columnName"/>.</summary>
    public delegate Exception ErrorFactory(int line, int column, string? columnName, string reason, string fix);

    public string Path { get; }

    /// <summary>The header's column names; empty when the file is empty.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The data rows, blank lines left out.</summary>
    public IReadOnlyList<CsvRow> Rows { get; }

    /// <summary>The number of the file's last line (1 for a header without data).</summary>
    public int LastLine { get; }

    public ErrorFactory Error { get; }

    /// <summary>Reads the whole file; the caller checks that it exists. Fails through <paramref name="error"/> on a repeated
    /// header name or a quoted field that is never closed.</summary>
    public static CsvTable Read(string path, ErrorFactory error)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(error);
        SepReader reader;
        try
        {
            reader = Sep.Reader(o => o with { Sep = new Sep(','), Unescape = true, Trim = SepTrim.All, DisableColCountCheck = true }).FromFile(path);
        }
        catch (ArgumentException ex)
        {
            // Sep refuses a header that names a column twice.
            throw error(1, 1, null, ex.Message, "Name every column once.");
        }

        using (reader)
        {
            var rows = new List<CsvRow>();
            var lastLine = reader.HasHeader ? 1 : 0;
            foreach (var row in reader)
            {
                lastLine = row.LineNumberToExcl - 1;
                var raw = row.Span;
                if (raw.Count('"') % 2 != 0)
                {
                    throw error(row.LineNumberFrom, raw.IndexOf('"') + 1, null, "a quoted field is never closed", "Close the quote with \" (write a quote inside a quoted field as \"\").");
                }

                if (row.ColCount == 1 && row[0].Span.IsEmpty)
                {
                    continue;
                }

                var fields = new string[row.ColCount];
                var lines = new int[row.ColCount];
                var columns = new int[row.ColCount];
                for (var i = 0; i < row.ColCount; i++)
                {
                    var col = row[i].Span;
                    fields[i] = col.ToString();
                    (lines[i], columns[i]) = Position(row.LineNumberFrom, raw, col);
                }

                rows.Add(new CsvRow(row.LineNumberFrom, fields, lines, columns));
            }

            return new CsvTable(path, reader.HasHeader ? [.. reader.Header.ColNames] : [], rows, lastLine, error);
        }
    }

    /// <summary>
    /// Reads a trace file whose header must name <paramref name="required"/> and whose rows must have one field per
    /// header column; every failure is a <see cref="WpaiValidationException"/> naming <c>file:line:column</c>.
    /// </summary>
    public static CsvTable ReadTrace(string path, IReadOnlyList<string> required)
    {
        ArgumentNullException.ThrowIfNull(required);
        if (!File.Exists(path))
        {
            throw new WpaiValidationException(path, "the file does not exist", "Pass an existing CSV file (the openb traces live in shared/data/traces).");
        }

        var table = Read(path, (line, column, name, reason, fix) =>
            new WpaiValidationException(name is null ? $"{path}:{line}:{column}" : $"{path}:{line}:{column} ({name})", reason, fix));
        if (table.Header.Count == 0)
        {
            throw table.Error(1, 1, null, "the file is empty", $"Give it the header line {string.Join(',', required)}.");
        }

        foreach (var column in required)
        {
            if (!table.Has(column))
            {
                throw table.Error(
                    1, 1, null, $"the header lacks the column '{column}' (found: {string.Join(',', table.Header)})", $"The header must name {string.Join(',', required)}.");
            }
        }

        foreach (var row in table.Rows)
        {
            if (row.Count != table.Header.Count)
            {
                throw table.Error(
                    row.Line, 1, null, $"the row has {row.Count} fields but the header has {table.Header.Count}", "Give every row one value per header column, separated by commas.");
            }
        }

        return table;
    }

    /// <summary>True when the header names <paramref name="column"/>.</summary>
    public bool Has(string column) => _index.ContainsKey(column);

    /// <summary>The field of <paramref name="column"/> (a header name) in <paramref name="row"/>, trimmed.</summary>
    public string Text(CsvRow row, string column) => row[_index[column]];

    /// <summary>The field of <paramref name="column"/> as a whole number of at least <paramref name="min"/>.</summary>
    public long Long(CsvRow row, string column, long min = long.MinValue)
    {
        var raw = Text(row, column);
        if (!long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw ErrorAt(row, column, $"'{raw}' is not an integer", $"Write {column} as a whole number.");
        }

        return value >= min ? value : throw ErrorAt(row, column, $"{value} is below the minimum {min}", $"Write a {column} of at least {min}.");
    }

    /// <summary>The field of <paramref name="column"/> as a 32-bit whole number of at least <paramref name="min"/>.</summary>
    public int Int(CsvRow row, string column, int min = int.MinValue)
    {
        var value = Long(row, column, min);
        return value <= int.MaxValue ? (int)value : throw ErrorAt(row, column, $"{value} is too large", $"Write a {column} below {int.MaxValue}.");
    }

    /// <summary>The error for the field of <paramref name="column"/> in <paramref name="row"/>.</summary>
    public Exception ErrorAt(CsvRow row, string column, string reason, string fix)
    {
        ArgumentNullException.ThrowIfNull(row);
        var i = _index[column];
        return Error(row.Lines[i], row.Columns[i], column, reason, fix);
    }

    /// <summary>
    /// Where <paramref name="field"/> starts: Sep hands out each field as a slice of its row's text, so the distance
    /// between the two spans is the field's offset in the row; line breaks inside quoted fields move it to a later line.
    /// </summary>
    private static (int Line, int Column) Position(int firstLine, ReadOnlySpan<char> row, ReadOnlySpan<char> field)
    {
        var offset = (int)(Unsafe.ByteOffset(ref MemoryMarshal.GetReference(row), ref MemoryMarshal.GetReference(field)) / sizeof(char));
        if (offset < 0 || offset > row.Length)
        {
            return (firstLine, 1);
        }

        var before = row[..offset];
        var breaks = before.Count('\n');
        var lineStart = breaks == 0 ? 0 : before.LastIndexOf('\n') + 1;
        return (firstLine + breaks, offset - lineStart + 1);
    }
}
