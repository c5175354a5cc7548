using System.Globalization;
using WPAI.Abstractions.Errors;

namespace WPAI.Simulation.Workload;

/// <summary>
/// Which jobs of a replay recur (belong to a template, so right-sizing can read their earlier runs) and how often.
/// <see cref="Share"/>: the seeded share of jobs that repeat a template; <see cref="MinRuns"/> and <see cref="MeanRuns"/>:
/// runs per template = <see cref="MinRuns"/> + a geometric count with mean <see cref="MeanRuns"/> − <see cref="MinRuns"/>;
/// <see cref="Jitter"/>: a run uses its template's utilization × (1 ± up to this), uniform.
/// </summary>
/// <remarks>
/// Defaults (<see cref="Default"/>): share 0.65 and at least 5 runs follow Weng et al., "MLaaS in the Wild" (NSDI'22), on the
/// Alibaba PAI trace: about 65 % of its tasks recur, submitted 5 times or more over the two months. The paper gives no
/// distribution of the run count beyond that, nor of run-to-run usage; the mean of 10 runs and the ±10 % jitter are assumed.
/// </remarks>
public sealed record Recurrence(double Share = 0, int MinRuns = 5, double MeanRuns = 10, double Jitter = 0.1)
{
    /// <summary>No job recurs (right-sizing has nothing to read).</summary>
    public static Recurrence None { get; } = new();

    /// <summary>What <c>wpai simulate</c> replays unless told otherwise.</summary>
    public static Recurrence Default { get; } = new(Share: 0.65);

    public void Validate()
    {
        if (!(Share >= 0 && Share <= 1))
        {
            throw new WpaiValidationException("--recurring-share", $"{Share} is not in [0, 1]", "Give the share of jobs that repeat a template, e.g. 0.65 (0 turns templates off).");
        }

        if (MinRuns < 2 || !(MeanRuns >= MinRuns) || double.IsInfinity(MeanRuns))
        {
            throw new WpaiValidationException("--template-runs", $"{MinRuns},{MeanRuns} is not MIN,MEAN with 2 ≤ MIN ≤ MEAN", "Give the fewest and the mean runs per template, e.g. --template-runs 5,10.");
        }

        if (!(Jitter >= 0 && Jitter < 1))
        {
            throw new WpaiValidationException("--run-jitter", $"{Jitter} is not in [0, 1)", "Give the run-to-run variation of a template's usage as a fraction, e.g. 0.1.");
        }
    }

    public override string ToString() => Share <= 0
        ? "no recurring templates"
        : string.Create(CultureInfo.InvariantCulture, $"{Share:P0} of jobs recur; runs per template ≥ {MinRuns}, mean {MeanRuns:0.#}; run-to-run usage ±{Jitter:P0}");
}
