namespace WPAI.Forecasting;

/// <summary>Settings of the FastTree load forecaster (README, "Autoscaling").</summary>
public sealed record ForecasterOptions
{
    /// <summary>The most recent history used for training (default 30 days).</summary>
    public TimeSpan MaxHistory { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Below this much history the forecaster declines and scaling stays reactive (default 2 days).</summary>
    public TimeSpan MinHistory { get; init; } = TimeSpan.FromDays(2);

    /// <summary>Below this many training rows the forecaster declines too (default 96).</summary>
    public int MinTrainingRows { get; init; } = 96;

    /// <summary>
    /// The shortest look-ahead the horizon must cover (default 5 minutes: the "+1…+5 minutes" of README, "Autoscaling"). The horizon in
    /// steps is <c>ceil(max(this, replica start-up delay) / step)</c>: 5 steps for 1-minute data, 1 for 5- or 30-minute data.
    /// </summary>
    public TimeSpan MinLookAhead { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The time a new replica needs before it serves (default 60 s).</summary>
    public TimeSpan StartupDelay { get; init; } = TimeSpan.FromSeconds(60);

    public int NumberOfTrees { get; init; } = 100;

    public int NumberOfLeaves { get; init; } = 20;

    public int MinimumExampleCountPerLeaf { get; init; } = 20;

    public double LearningRate { get; init; } = 0.1;

    public int Seed { get; init; } = 1;

    /// <summary>
    /// At most this many training rows per horizon model (default 20,000): longer histories are sampled with an even
    /// stride that keeps the newest row, bounding training time (a month of 1-minute data has 43,200).
    /// </summary>
    public int MaxTrainingRows { get; init; } = 20_000;

    /// <summary>
    /// One model for all horizon steps (default on): the step is a feature, the rows of every step share one feature
    /// matrix (<see cref="MaxTrainingRows"/> in all, sampled evenly per step) and one fit uses all threads. Off: one model
    /// per step with up to <see cref="MaxTrainingRows"/> rows each.
    /// </summary>
    public bool SharedModel { get; init; } = true;

    /// <summary>Threads for training (default: the processor count): horizon models at once, or the shared model's threads.</summary>
    public int? MaxParallelism { get; init; }

    /// <summary>The horizon in steps of a series with this step.</summary>
    public int HorizonSteps(TimeSpan step)
    {
        var look = MinLookAhead > StartupDelay ? MinLookAhead : StartupDelay;
        return Math.Max(1, (int)Math.Ceiling((look / step) - 1e-9));
    }

    public ForecasterOptions Validate()
    {
        if (MaxHistory <= TimeSpan.Zero || MinHistory < TimeSpan.Zero || MinHistory > MaxHistory)
        {
            throw new ArgumentOutOfRangeException(nameof(MinHistory), "history bounds must satisfy 0 <= MinHistory <= MaxHistory");
        }

        if (MaxTrainingRows < 100 || MaxParallelism is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTrainingRows), "MaxTrainingRows >= 100 and MaxParallelism >= 1");
        }

        if (NumberOfTrees < 1 || NumberOfLeaves < 2 || MinimumExampleCountPerLeaf < 1 || !(LearningRate > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(NumberOfTrees), "trees >= 1, leaves >= 2, examples per leaf >= 1, learning rate > 0");
        }

        if (StartupDelay < TimeSpan.Zero || MinLookAhead < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StartupDelay), "durations cannot be negative");
        }

        return this;
    }
}
