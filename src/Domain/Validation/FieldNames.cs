using System.Text.RegularExpressions;

namespace WPAI.Domain.Validation;

/// <summary>
/// The fields of the API (<c>spec.gpus</c>) as a user of the command line typed them (<c>--gpus</c>), so that every
/// refusal names what the user can change.
/// </summary>
public static partial class FieldNames
{
    private static readonly Dictionary<string, string> Options = new(StringComparer.Ordinal)
    {
        ["spec.jobId"] = "JOB-ID",
        ["spec.department"] = "--dept",
        ["spec.gpuModels"] = "--gpu-models",
        ["spec.gpus"] = "--gpus",
        ["spec.cpuMilli"] = "--cpu",
        ["spec.memoryMib"] = "--memory",
        ["spec.duration"] = "--duration",
        ["spec.template"] = "--template",
        ["spec.longRunning"] = "--long-running",
        ["spec.workload"] = "--gpu-util/--gpu-memory/--cpu-avg/--cpu-peak",
        ["spec.workload.gpuUtilization"] = "--gpu-util",
        ["spec.workload.gpuMemoryFraction"] = "--gpu-memory",
        ["spec.workload.cpuAverage"] = "--cpu-avg",
        ["spec.workload.cpuPeak"] = "--cpu-peak",
        ["spec.name"] = "NAME",
        ["spec.pool"] = "--pool",
        ["quota.pool"] = "QUOTA (POOL=GPUS)",
        ["department"] = "DEPARTMENT",
        ["node"] = "NODE",
        ["job"] = "JOB-ID",
    };

    /// <summary>The option or argument for an API field; the field itself when the command line has no name for it.</summary>
    public static string AsTyped(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (Options.TryGetValue(field, out var option))
        {
            return option;
        }

        var indexed = IndexPattern().Match(field);
        if (indexed.Success && Options.TryGetValue(indexed.Groups["name"].Value, out var list))
        {
            return list;
        }

        return field.StartsWith("quota[", StringComparison.Ordinal) ? $"QUOTA {field["quota[".Length..^1]}=…" : field;
    }

    /// <summary>A <see cref="JobSpec"/> property (camelCase) as typed: <c>gpus</c> → <c>--gpus</c>.</summary>
    public static string OfSpecProperty(string property) => AsTyped("spec." + property);

    [GeneratedRegex(@"^(?<name>[A-Za-z.]+)\[\d+\]$")]
    private static partial Regex IndexPattern();
}
