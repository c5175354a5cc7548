using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Errors;

namespace WPAI.WebConsole.Components;

/// <summary>The console's submit form: the fields a person fills in, turned into a <see cref="JobSpec"/> (the grains validate it).</summary>
public sealed class SubmitJobForm
{
    public string? JobId { get; set; }

    public string? Department { get; set; }

    /// <summary>Acceptable GPU models in order of preference, comma-separated.</summary>
    public string? GpuModels { get; set; }

    public int Gpus { get; set; } = 1;

    /// <summary>CPU cores.</summary>
    public double Cpu { get; set; } = 4;

    public double MemoryGib { get; set; } = 16;

    public double Hours { get; set; } = 1;

    public JobSpec ToSpec()
    {
        var models = (GpuModels ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (models.Length == 0)
        {
            throw new WpaiValidationException("gpu models", "names no GPU model", "Give at least one pool, e.g. T4 or T4,P40.");
        }

        if (Hours <= 0 || double.IsNaN(Hours))
        {
            throw new WpaiValidationException("duration", $"{Hours} hours is not a duration", "Give the expected run time in hours, e.g. 2.");
        }

        return new JobSpec(
            (JobId ?? "").Trim(),
            (Department ?? "").Trim(),
            [.. models],
            Gpus,
            (int)Math.Round(Cpu * 1000),
            (long)Math.Round(MemoryGib * 1024),
            TimeSpan.FromHours(Hours));
    }
}
