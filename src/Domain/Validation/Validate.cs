using System.Globalization;
using System.Text;

namespace WPAI.Domain.Validation;

/// <summary>
/// The input rules, in one place, shared by every entry point (grains, SDK, command line); each failure names the
/// field, the reason and the fix, and never echoes control characters raw.
/// </summary>
public static partial class Validate
{
    /// <summary>Ids of jobs, nodes, departments, templates and services: Kubernetes' label-value rule, so ids are safe as pod names, labels and file names.</summary>
    public const int MaxIdLength = 63;

    public const string IdRule = "ids are 1 to 63 lower-case letters, digits, '-', '.' or '_', starting and ending with a letter or digit ([a-z0-9]([-a-z0-9._]*[a-z0-9])?)";

    /// <summary>Pools (GPU models such as T4, A100-80G, or cpu): the same rule with upper-case letters allowed.</summary>
    public const string PoolRule = "pool names are 1 to 63 letters, digits, '-', '.' or '_', starting and ending with a letter or digit";

    /// <summary>The pool of CPU-only machines: the only pool a job with 0 GPUs may name.</summary>
    public const string CpuPool = "cpu";

    /// <summary>The most GPUs of one node, and so of one job (a job runs on one node).</summary>
    public const int MaxGpus = 64;

    /// <summary>The most CPU of one node or job: 1,024 cores.</summary>
    public const int MaxCpuMilli = 1_024_000;

    /// <summary>The most memory of one node or job: 16 TiB.</summary>
    public const long MaxMemoryMib = 16L * 1024 * 1024;

    /// <summary>The longest expected run time of a job.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(366);

    /// <summary>The largest GPU quota of a department in one pool.</summary>
    public const int MaxQuotaGpus = 100_000;

    public static void Id(string? value, string field) => Name(value, field, lowerCaseOnly: true);

    public static void Pool(string? value, string field) => Name(value, field, lowerCaseOnly: false);

    public static void Node(NodeSpec? spec)
    {
        if (spec is null)
        {
            throw new WpaiValidationException("spec", "is missing", "Send a node spec.");
        }

        Id(spec.Name, "spec.name");
        Pool(spec.Pool, "spec.pool");
        Range(spec.Gpus, "spec.gpus", 0, MaxGpus, "GPUs");
        Range(spec.CpuMilli, "spec.cpuMilli", 1, MaxCpuMilli, "millicores");
        Range(spec.MemoryMib, "spec.memoryMib", 1, MaxMemoryMib, "MiB");
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
            throw new WpaiValidationException("spec.gpuModels", "must name at least one GPU model (pool)", "Pass e.g. --gpu-models T4,P40 (or --gpu-models cpu for a CPU-only job).");
        }

        for (var i = 0; i < spec.GpuModels.Length; i++)
        {
            Pool(spec.GpuModels[i], $"spec.gpuModels[{i}]");
        }

        if (spec.GpuModels.Distinct(StringComparer.Ordinal).Count() != spec.GpuModels.Length)
        {
            throw new WpaiValidationException("spec.gpuModels", "names a GPU model twice", "List each acceptable model once, in order of preference.");
        }

        Range(spec.Gpus, "spec.gpus", 0, MaxGpus, "GPUs");
        if (spec.Gpus == 0 && spec.GpuModels.Any(m => !string.Equals(m, CpuPool, StringComparison.Ordinal)))
        {
            throw new WpaiValidationException("spec.gpus", $"0 GPUs is for CPU-only jobs, which run in the '{CpuPool}' pool only", $"Ask for 1 GPU or more, or run it on CPU machines with --gpu-models {CpuPool}.");
        }

        Range(spec.CpuMilli, "spec.cpuMilli", 1, MaxCpuMilli, "millicores");
        Range(spec.MemoryMib, "spec.memoryMib", 1, MaxMemoryMib, "MiB");
        if (spec.Duration <= TimeSpan.Zero)
        {
            throw new WpaiValidationException("spec.duration", $"must be positive (got {spec.Duration})", "Give the expected run time, e.g. 2h.");
        }

        if (spec.Duration > MaxDuration)
        {
            throw new WpaiValidationException("spec.duration", $"'{spec.Duration.TotalHours:0.#}h' is too large (max {MaxDuration.TotalDays:0}d)", "Give the expected run time, e.g. 2h or 3d.");
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
        Pool(pool, "quota.pool");
        Range(gpus, $"quota[{Printable(pool)}]", 0, MaxQuotaGpus, "GPUs");
    }

    /// <summary>A whole number within [<paramref name="min"/>, <paramref name="max"/>]: "too large (max …)" above, a clear floor below.</summary>
    public static void Range(long value, string field, long min, long max, string unit)
    {
        if (value > max)
        {
            throw new WpaiValidationException(field, string.Create(CultureInfo.InvariantCulture, $"{value:N0} {unit} is too large (max {max:N0})"), string.Create(CultureInfo.InvariantCulture, $"Give at most {max:N0}."));
        }

        if (value < min)
        {
            throw new WpaiValidationException(field, string.Create(CultureInfo.InvariantCulture, $"{value:N0} {unit} is too small (min {min:N0})"), string.Create(CultureInfo.InvariantCulture, $"Give at least {min:N0}."));
        }
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

    /// <summary>
    /// <paramref name="value"/> quoted for a message: control and other invisible characters as <c>\u{XXXX}</c>, never raw
    /// (a name with ESC or BEL must not drive the terminal), and shortened to 64 characters.
    /// </summary>
    public static string Printable(string? value) => Printable(value, 64);

    /// <summary><see cref="Printable(string?)"/> shortened to <paramref name="maxLength"/> characters.</summary>
    public static string Printable(string? value, int maxLength)
    {
        if (value is null)
        {
            return "(none)";
        }

        var text = new StringBuilder(value.Length + 2);
        foreach (var rune in value.EnumerateRunes())
        {
            if (text.Length >= maxLength)
            {
                text.Append('…');
                break;
            }

            if (Rune.IsControl(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                text.Append(CultureInfo.InvariantCulture, $"\\u{{{rune.Value:X4}}}");
            }
            else
            {
                text.Append(rune.ToString());
            }
        }

        return text.ToString();
    }

    private static void Name(string? value, string field, bool lowerCaseOnly)
    {
        var rule = lowerCaseOnly ? IdRule : PoolRule;
        if (string.IsNullOrEmpty(value))
        {
            throw new WpaiValidationException(field, "must not be empty", $"Give a name: {rule}.");
        }

        if (Problem(value, lowerCaseOnly) is { } problem)
        {
            throw new WpaiValidationException(field, $"'{Printable(value)}' is not a valid {(lowerCaseOnly ? "id" : "pool name")}: {problem}", $"Use a name that follows the rule: {rule}.");
        }
    }

    /// <summary>What is wrong with <paramref name="value"/> (null when nothing is): the first offending character by position.</summary>
    private static string? Problem(string value, bool lowerCaseOnly)
    {
        if (value.Length > MaxIdLength)
        {
            return $"{value.Length} characters is too long (max {MaxIdLength})";
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var letterOrDigit = c is >= 'a' and <= 'z' or >= '0' and <= '9' || (!lowerCaseOnly && c is >= 'A' and <= 'Z');
            if (letterOrDigit)
            {
                continue;
            }

            var shown = char.IsControl(c) || char.IsSurrogate(c) || c > '~' ? $"U+{(int)c:X4}" : $"'{c}'";
            if (c is >= 'A' and <= 'Z')
            {
                return $"upper-case letter {shown} at position {i + 1} (use '{char.ToLowerInvariant(c)}')";
            }

            if (c is not ('-' or '.' or '_'))
            {
                return $"character {shown} at position {i + 1} is not allowed";
            }

            if (i == 0 || i == value.Length - 1)
            {
                return $"it {(i == 0 ? "starts" : "ends")} with {shown}";
            }
        }

        return null;
    }
}
