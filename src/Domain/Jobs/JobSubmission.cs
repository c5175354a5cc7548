using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Jobs;

/// <summary>
/// The rules of a submit, before anything is stored: the department must exist; a job of a known template is
/// right-sized from its earlier runs; the acceptable pools are the named GPU models in order (only the first without
/// fallback); each must be a known pool and at least one must be able to host the request; a job expected to run
/// longer than the threshold is long-running (Fixed nodes only). Bad input is a validation error naming the field.
/// </summary>
public static class JobSubmission
{
    /// <summary>Refuses a job of a department that does not exist, saying how to create it.</summary>
    public static void EnsureDepartment(JobSpec spec, SubmitContext context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Exists)
        {
            throw new WpaiValidationException(
                "spec.department",
                $"unknown department '{spec.Department}'",
                $"Create it first: wpai dept set-quota {spec.Department} {spec.GpuModels[0]}=0");
        }
    }

    /// <summary>What the job asks for: its own request, or the right-sized one with the reason (null when not resized).</summary>
    public static (Resources Requested, string? Reason) Size(JobSpec spec, SubmitContext context, SchedulingOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        return options.RightSizing && !context.TemplateRuns.IsDefaultOrEmpty && RightSizing.Advise(spec.Request, context.TemplateRuns, options) is { } advice
            ? (new Resources(advice.Gpus, advice.CpuRequestMilli, spec.MemoryMib), advice.Reason)
            : (spec.Request, null);
    }

    /// <summary>Whether the job goes to Fixed nodes only: marked so, or expected to run longer than the threshold.</summary>
    public static bool IsLongRunning(JobSpec spec, SchedulingOptions options) =>
        spec.LongRunning || spec.Duration > options.LongJobThreshold;

    /// <summary>The pools the job may be tried in, in order: every named GPU model with fallback, else the first.</summary>
    public static ImmutableArray<string> Candidates(JobSpec spec, SchedulingOptions options) =>
        options.Fallback ? spec.GpuModels : [spec.GpuModels[0]];

    /// <summary>The first queue entry of a job (attempt 1, no wait yet).</summary>
    public static QueueEntry FirstEntry(JobSpec spec, Resources requested, ImmutableArray<string> pools, DateTimeOffset now, bool longRunning) =>
        new(spec.JobId, spec.Department, requested, pools, now, TimeSpan.Zero, 1, longRunning, spec.Duration);

    /// <summary>
    /// Refuses candidates one of which is not a known pool (naming it), or none of which can ever host
    /// <paramref name="requested"/> (naming each pool's largest node).
    /// </summary>
    public static void EnsureUsable(ImmutableArray<string> candidates, IReadOnlyList<PoolCheck> checks, Resources requested)
    {
        ArgumentNullException.ThrowIfNull(checks);
        for (var i = 0; i < candidates.Length; i++)
        {
            if (!checks[i].Known)
            {
                throw new WpaiValidationException(
                    $"spec.gpuModels[{i}]",
                    $"unknown pool '{candidates[i]}': no node of that GPU model is registered",
                    "Register nodes of that model first (wpai node add) or name an existing pool.");
            }
        }

        if (!checks.Any(c => c.Fits))
        {
            var largest = string.Join("; ", candidates.Select((p, i) => $"{p}: {checks[i].Largest}"));
            throw new WpaiValidationException(
                "spec.gpus",
                $"no node in {string.Join(", ", candidates)} can ever host {requested} (largest nodes — {largest})",
                "Ask for fewer resources or add a GPU model with larger nodes.");
        }
    }
}
