using Spectre.Console;
using Spectre.Console.Rendering;

namespace WPAI.Cli.Rendering;

/// <summary>The two table shapes the CLI prints: borderless column lists and key/value blocks.</summary>
public static class Tables
{
    /// <summary>A borderless table with upper-case headers, like <c>kubectl get</c>.</summary>
    public static Table List(params string[] headers)
    {
        var table = new Table().Border(TableBorder.None);
        table.ShowHeaders = true;
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header)).PadLeft(0).PadRight(2).NoWrap());
        }

        return table;
    }

    /// <summary>Adds a row of plain (never markup) cells.</summary>
    public static void AddRow(this Table table, params string[] cells)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.AddRow(cells.Select(c => (IRenderable)new Text(c)).ToArray());
    }

    /// <summary>A key/value block: one <c>Key  value</c> line per entry.</summary>
    public static Grid Details(IEnumerable<(string Key, string Value)> entries)
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn().PadLeft(0).PadRight(2).NoWrap());
        grid.AddColumn(new GridColumn().PadLeft(0).PadRight(0));
        foreach (var (key, value) in entries)
        {
            grid.AddRow(new Text(key), new Text(value));
        }

        return grid;
    }

    /// <summary>A section title line followed by the renderable.</summary>
    public static void Section(IAnsiConsole console, string title, IRenderable body)
    {
        ArgumentNullException.ThrowIfNull(console);
        console.WriteLine();
        console.Write(new Text(title, new Style(decoration: Decoration.Bold)));
        console.WriteLine();
        console.Write(body);
    }
}
