namespace WPAI.Simulation.Workload;

/// <summary>One data row of a <see cref="CsvTable"/>: its fields (trimmed, unquoted) and where each one starts.</summary>
internal sealed class CsvRow(int line, string[] fields, int[] lines, int[] columns)
{
    /// <summary>The line the row starts on (1-based; the header is line 1).</summary>
    public int Line { get; } = line;

    public int Count => fields.Length;

    /// <summary>The line of each field (a quoted field with line breaks pushes the next ones down).</summary>
    public IReadOnlyList<int> Lines => lines;

    /// <summary>The 1-based column where each field's value starts.</summary>
    public IReadOnlyList<int> Columns => columns;

    public string this[int index] => fields[index];
}
