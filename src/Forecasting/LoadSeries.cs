namespace WPAI.Forecasting;

/// <summary>
/// A regular load series: <see cref="Values"/>[i] is the load at <see cref="Start"/> + i × <see cref="Step"/>.
/// </summary>
public sealed class LoadSeries
{
    public LoadSeries(string name, DateTimeOffset start, TimeSpan step, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (step <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "the step of a series must be positive");
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]) || values[i] < 0)
            {
                throw new ArgumentException($"series '{name}': value {values[i]} at index {i} is not a finite non-negative load", nameof(values));
            }
        }

        Name = name;
        Start = start;
        Step = step;
        Values = [.. values];
    }

    public string Name { get; }

    public DateTimeOffset Start { get; }

    public TimeSpan Step { get; }

    public IReadOnlyList<double> Values { get; }

    public int Count => Values.Count;

    /// <summary>Steps per day, rounded (1-minute: 1440, 5-minute: 288, 30-minute: 48).</summary>
    public int StepsPerDay => Math.Max(1, (int)Math.Round(TimeSpan.FromDays(1) / Step));

    public DateTimeOffset TimeAt(int index) => Start + (Step * index);

    /// <summary>The points [from, from + count) as a new series.</summary>
    public LoadSeries Slice(int from, int count) =>
        new(Name, TimeAt(from), Step, Values.Skip(from).Take(count).ToArray());

    /// <summary>The same series with every value multiplied by <paramref name="factor"/>.</summary>
    public LoadSeries Scale(double factor) => new(Name, Start, Step, Values.Select(v => v * factor).ToArray());
}
