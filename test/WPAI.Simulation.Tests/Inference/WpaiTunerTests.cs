using WPAI.Simulation.Inference;

namespace WPAI.Simulation.Tests.Inference;

/// <summary>The rule by which <see cref="WpaiTuner"/> picks a series' settings from the validation runs.</summary>
public sealed class WpaiTunerTests
{
    private static readonly InferenceSimulationOptions Options = new();

    private static PolicyRun Run(double minutes, double hours) => new("s", "validation", minutes, hours, 0, 0, null, null, 0, 0, 0);

    private static (WpaiSettings, PolicyRun) Candidate(double? quantile, bool kpa, double minutes, double hours) =>
        (WpaiPolicies.Full(quantile, 0.9, Options, kpa), Run(minutes, hours));

    [Fact]
    public void Choose_TakesTheCheapestWithinTheSloBudget_AmongThoseNoDearerThanHpa()
    {
        var hpa = Run(100, 50);
        var chosen = WpaiTuner.Choose(
            [Candidate(0.75, false, 10, 70), Candidate(0.9, false, 40, 45), Candidate(0.95, true, 30, 48)], hpa, hpa, 0.5);

        // 10 minutes at 70 h is dearer than HPA's 50 h: not admissible; of the two within 50 minutes, the cheaper wins.
        Assert.Equal(0.9, chosen.Quantile);
        Assert.False(chosen.Provisioning.KpaReactive);
    }

    [Fact]
    public void Choose_WithoutACandidateInTheBudget_TakesTheFewestMinutes_TiesToTheCheaper()
    {
        var hpa = Run(100, 50);
        var chosen = WpaiTuner.Choose(
            [Candidate(0.75, false, 80, 49), Candidate(0.9, true, 60, 47), Candidate(0.95, true, 60, 44), Candidate(0.99, false, 0, 90)], hpa, hpa, 0.5);
        Assert.Equal(0.95, chosen.Quantile);
        Assert.True(chosen.Provisioning.KpaReactive);
    }

    [Fact]
    public void Choose_WhenEveryCandidateIsDearerThanHpa_AppliesTheSameRuleToAll()
    {
        var hpa = Run(100, 10);
        var chosen = WpaiTuner.Choose([Candidate(0.75, false, 70, 20), Candidate(0.9, false, 40, 30)], hpa, hpa, 0.5);
        Assert.Equal(0.9, chosen.Quantile); // the only one within 50 minutes
    }

    [Fact]
    public void Choose_BudgetsAgainstTheStrongerReactiveBaseline()
    {
        var hpa = Run(100, 50);
        var kpa = Run(40, 50);
        IReadOnlyList<(WpaiSettings, PolicyRun)> tried = [Candidate(0.9, true, 40, 40), Candidate(null, true, 15, 46), Candidate(0.5, true, 5, 49)];

        // Against HPA alone (50 minutes) the KPA-like candidate at 40 h is cheapest; against KPA's 40 minutes the budget
        // is 20, so the cheapest candidate within 20 minutes wins.
        Assert.Equal(0.9, WpaiTuner.Choose(tried, hpa, hpa, 0.5).Quantile);
        Assert.Null(WpaiTuner.Choose(tried, hpa, kpa, 0.5).Quantile);
    }

    [Fact]
    public void Choose_AdmitsOnlyCandidatesNoDearerThanEitherReactiveBaseline()
    {
        var hpa = Run(100, 50);
        var kpa = Run(40, 45);
        IReadOnlyList<(WpaiSettings, PolicyRun)> tried = [Candidate(0.9, true, 10, 48), Candidate(null, true, 30, 45), Candidate(0.5, true, 18, 44)];

        // 10 minutes at 48 h is within HPA's 50 h but dearer than KPA's 45 h: not admissible. Of the two admissible
        // ones, 18 minutes at 44 h is within the budget (half of KPA's 40 minutes) and the cheaper.
        Assert.Equal(0.5, WpaiTuner.Choose(tried, hpa, kpa, 0.5).Quantile);

        // With KPA's hours above HPA's, HPA's bound the admissible set.
        Assert.Equal(0.5, WpaiTuner.Choose(tried, Run(100, 44), Run(40, 60), 0.5).Quantile);
        Assert.Null(WpaiTuner.Choose([.. tried.Take(2)], Run(100, 46), Run(40, 60), 0.5).Quantile); // only 30 min at 45 h is admissible
    }

    [Fact]
    public void ChooseAtSlo_TakesTheCheapestWithinTheBaselinesMinutes_WithoutAnHoursCondition()
    {
        var hpa = Run(30, 50);
        IReadOnlyList<(WpaiSettings, PolicyRun)> tried = [Candidate(0.75, false, 10, 70), Candidate(0.9, false, 30, 45), Candidate(0.95, true, 31, 40)];

        // 31 minutes is over HPA's 30; of the two within, the cheaper wins (45 h); the wpai rule proper would take the
        // same here only because it is also within HPA's hours.
        Assert.Equal(0.9, WpaiTuner.ChooseAtSlo(tried, hpa).Settings.Quantile);
        Assert.Equal(0.75, WpaiTuner.ChooseAtSlo(tried, Run(10, 1)).Settings.Quantile); // only 10 minutes fit, dearer than the baseline or not
        Assert.Equal(0.75, WpaiTuner.ChooseAtSlo(tried, Run(5, 100)).Settings.Quantile); // none fits: the fewest minutes
    }

    [Fact]
    public void Candidates_TryBothReactiveBases_AndPeriodicityOff()
    {
        Assert.Contains(WpaiTuner.Candidates, c => c.Kpa);
        Assert.Contains(WpaiTuner.Candidates, c => !c.Kpa);
        Assert.Contains(WpaiTuner.Candidates, c => !c.Periodicity);
        Assert.All(WpaiTuner.Candidates.Where(c => c.Trend), c => Assert.True(c.Kpa)); // the trend is read on Knative's stable value
        Assert.Contains(WpaiTuner.Candidates, c => c.Trend && c.ReactiveUtilization is null);
        Assert.Contains(WpaiTuner.Candidates, c => c.Trend && c.ReactiveUtilization is not null);
        Assert.Equal(WpaiTuner.Candidates.Length, WpaiTuner.Candidates.Distinct().Count());
    }
}
