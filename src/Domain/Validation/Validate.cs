using System.Text.RegularExpressions;

namespace WPAI.Domain.Validation;

/// <summary>Input checks shared by every entry point; each failure names the field, the reason and the fix.</summary>
public static partial class Validate
{
    public const int MaxIdLength = 128;

    public static void Id(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new WpaiValidationException(field, "must not be empty", "Give a name of letters, digits, '.', '_' or '-'.");
        }

        if (value.Length > MaxIdLength || !IdPattern().IsMatch(value))
        {
            throw new WpaiValidationException(
                field,
                $"'{Shorten(value)}' is not a valid id",
                $"Use at most {MaxIdLength} letters, digits, '.', '_', '/' or '-', starting with a letter or digit.");
        }
    }

    public static void Node(NodeSpec? spec)
    {
        if (spec is null)
        {
            throw new WpaiValidationException("spec", "is missing", "Send a node spec.");
        }

        Id(spec.Name, "spec.name");
        Id(spec.Pool, "spec.pool");
        NonNegative(spec.Gpus, "spec.gpus");
        Positive(spec.CpuMilli, "spec.cpuMilli");
        Positive(spec.MemoryMib, "spec.memoryMib");
    }

    public static void Job(JobSpec? spec)
    {
        if (spec is null)
        {
            throw new WpaiValidationException("spec", "is missing", "Send a job spec.");
        }

        Id(spec.JobId, "spec.jobId");
        Id(spec.Department, "spec.department");
        if (spec.GpuModels.IsDefaultOrEmpty)
        {
            throw new WpaiValidationException("spec.gpuModels", "must name at least one GPU model (pool)", "Pass e.g. --gpu-models T4,P40.");
        }

        for (var i = 0; i < spec.GpuModels.Length; i++)
        {
            Id(spec.GpuModels[i], $"spec.gpuModels[{i}]");
        }

        if (spec.GpuModels.Distinct(StringComparer.Ordinal).Count() != spec.GpuModels.Length)
        {
            throw new WpaiValidationException("spec.gpuModels", "names a GPU model twice", "List each acceptable model once, in order of preference.");
        }

        Positive(spec.Gpus, "spec.gpus");
        Positive(spec.CpuMilli, "spec.cpuMilli");
        Positive(spec.MemoryMib, "spec.memoryMib");
        if (spec.Duration <= TimeSpan.Zero)
        {
            throw new WpaiValidationException("spec.duration", $"must be positive (got {spec.Duration})", "Give the expected run time, e.g. 2h.");
        }

        if (spec.Template is not null)
        {
            Id(spec.Template, "spec.template");
        }

        if (spec.Workload is { } w)
        {
            Fraction(w.GpuUtilization, "spec.workload.gpuUtilization");
            Fraction(w.GpuMemoryFraction, "spec.workload.gpuMemoryFraction");
            Fraction(w.CpuAverage, "spec.workload.cpuAverage");
            Fraction(w.CpuPeak, "spec.workload.cpuPeak");
        }

        RunSettings(spec);
    }

    public static void Quota(string pool, int gpus)
    {
        Id(pool, "quota.pool");
        NonNegative(gpus, $"quota[{pool}]");
    }

    public static void Positive(long value, string field)
    {
        if (value <= 0)
        {
            throw new WpaiValidationException(field, $"must be positive (got {value})", "Give a number greater than zero.");
        }
    }

    public static void NonNegative(long value, string field)
    {
        if (value < 0)
        {
            throw new WpaiValidationException(field, $"must not be negative (got {value})", "Give zero or more.");
        }
    }

    public static void Fraction(double value, string field)
    {
        if (double.IsNaN(value) || value < 0 || value > 1)
        {
            throw new WpaiValidationException(field, $"must be a fraction within [0, 1] (got {value})", "Give a value between 0 and 1.");
        }
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._/-]*$")]
    private static partial Regex IdPattern();
}
