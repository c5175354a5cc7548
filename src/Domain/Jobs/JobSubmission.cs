using WPAI.Domain.Validation;
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
    /// <summary>
    /// Whether <paramref name="spec"/>, submitted to the job grain <paramref name="key"/>, repeats the job already
    /// recorded there (<paramref name="existing"/>): true for the identical spec (a retried submit, idempotent), false
    /// for a new job; a spec under another grain's key or another spec under the same id is refused.
    /// </summary>
    public static bool IsRepeat(JobSpec spec, string key, JobSpec? existing)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Validate.Job(spec);
        if (!string.Equals(spec.JobId, key, StringComparison.Ordinal))
        {
            throw new WpaiValidationException("spec.jobId", $"'{spec.JobId}' does not match the job grain key '{key}'", "Submit a job under its own id.");
        }

        if (existing is null)
        {
            return false;
        }

        var differing = SpecDifferences.Of(existing, spec);
        return differing.Count == 0
            ? true
            : throw new WpaiValidationException(
                "spec.jobId",
                $"job '{key}' already exists with a different spec ({string.Join(", ", differing.Select(FieldNames.OfSpecProperty))} differ)",
                "Submit it under a new id, or repeat the identical spec (that returns the existing job)");
    }

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
