using System.Collections.Immutable;
using nietras.SeparatedValues;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;
using WPAI.Domain.Text;

namespace WPAI.Cli.Commands.Job;

/// <summary>
/// Reads the jobs of <c>wpai job submit --file jobs.csv</c>: a CSV file (header line, comma-separated, RFC 4180 quoting)
/// with the columns <c>id,dept,gpus,cpu,memory,gpu-models,duration</c> and optionally <c>template</c>, each written as
/// the option of <c>job submit</c> is (<c>gpu-models</c> quoted when it lists several: <c>"T4,P40"</c>). An error names
/// the file, line and column.
/// </summary>
public static class JobFile
{
    private static readonly string[] Required = ["id", "dept", "gpus", "cpu", "memory", "gpu-models", "duration"];
    private const string Header = "id,dept,gpus,cpu,memory,gpu-models,duration[,template]";

    public static ImmutableArray<JobSpec> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new WpaiValidationException("--file", $"'{path}' does not exist", $"Pass a CSV file with the header {Header}.");
        }

        using var reader = Sep.New(',').Reader(o => o with { Unescape = true, HasHeader = true }).FromFile(path);
        foreach (var column in Required)
        {
            if (!reader.Header.ColNames.Contains(column))
            {
                throw new WpaiValidationException($"{path}:1", $"the header lacks the column '{column}'", $"The header must be {Header}.");
            }
        }

        static string? Field(SepReader.Row row, string column) => row[column].ToString().Trim() is { Length: > 0 } value ? value : null;

        string? Optional(SepReader.Row row, string column) =>
            reader.Header.ColNames.Contains(column) && row[column].ToString().Trim() is { Length: > 0 } value ? value : null;

        var specs = ImmutableArray.CreateBuilder<JobSpec>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in reader)
        {
            var line = row.LineNumberFrom;
            try
            {
                var id = row["id"].ToString().Trim();
                var department = row["dept"].ToString().Trim();
                if (id.Length == 0 || department.Length == 0)
                {
                    throw new WpaiValidationException(id.Length == 0 ? "id" : "dept", "is empty", "Give every row a job id and a department.");
                }

                if (!ids.Add(id))
                {
                    throw new WpaiValidationException("id", $"'{id}' appears twice in the file", "Give every job its own id.");
                }

                var template = Optional(row, "template");
                specs.Add(new JobSpec(
                    id,
                    department,
                    Quantities.ParseNames(Field(row, "gpu-models"), "gpu-models", "\"T4,P40\""),
                    Quantities.ParseCount(row["gpus"].ToString().Trim(), "gpus", 0, "4"),
                    Quantities.ParseCpuMilli(Field(row, "cpu"), "cpu"),
                    Quantities.ParseMemoryMib(Field(row, "memory"), "memory"),
                    DurationText.Parse(Field(row, "duration"), "duration"),
                    template));
            }
            catch (WpaiValidationException ex)
            {
                throw new WpaiValidationException($"{path}:{line} ({ex.Field})", ex.Reason, ex.Fix);
            }
        }

        if (specs.Count == 0)
        {
            throw new WpaiValidationException($"{path}", "lists no jobs", "Add one row per job below the header.");
        }

        return specs.ToImmutable();
    }
}
