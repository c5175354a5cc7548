using System.Globalization;
using WPAI.Abstractions.Errors;

namespace WPAI.Simulation.Capacity;

/// <summary>
/// When a load is sustained: the backlog left at the end of the arrival window is at most <see cref="MaxBacklogShare"/>
/// of the GPU-hours offered, and the p95 wait at most <see cref="MaxP95Wait"/>. The search runs on the grid
/// <see cref="Low"/>, <see cref="Low"/> + <see cref="Step"/>, …, <see cref="High"/>.
/// </summary>
public sealed record SustainableCriteria
{
    public TimeSpan MaxP95Wait { get; init; } = TimeSpan.FromHours(1);

    public double MaxBacklogShare { get; init; } = 0.01;

    public double Low { get; init; } = 0.1;

    public double High { get; init; } = 2.0;

    public double Step { get; init; } = 0.05;

    public bool Sustains(double waitP95Seconds, double backlogShare) =>
        waitP95Seconds <= MaxP95Wait.TotalSeconds && backlogShare <= MaxBacklogShare;

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"p95 wait ≤ {MaxP95Wait.TotalHours:0.##} h and backlog at the end of the arrival window ≤ {MaxBacklogShare:P1} of the offered GPU-hours; grid {Low:0.###}–{High:0.###} step {Step:0.###}, a climb from the lowest load in steps of {SustainableLoadSearch.CoarseStep} grid points to the first load not sustained, then bisection");

    public void Validate()
    {
        if (MaxP95Wait <= TimeSpan.Zero)
        {
            throw new WpaiValidationException("--max-p95-wait", "must be positive", "Give a duration such as 1h.");
        }

        if (!(MaxBacklogShare >= 0 && MaxBacklogShare < 1))
        {
            throw new WpaiValidationException("--max-backlog", $"{MaxBacklogShare} is not in [0, 1)", "Give a share of the offered GPU-hours, e.g. 0.01.");
        }

        if (!(Low > 0 && High > Low && Step > 0 && Step <= High - Low))
        {
            throw new WpaiValidationException("--load-range", $"{Low}–{High} step {Step} is not a grid", "Give 0 < low < high and a step no larger than high − low, e.g. --load-range 0.1,2 --load-step 0.05.");
        }
    }
}
