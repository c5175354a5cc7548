namespace WPAI.Silo.Driver;

/// <summary>Options of the simulated cluster driver (the embedded default).</summary>
public sealed class SimulatedDriverOptions
{
    public const string SectionName = "Wpai:Driver";

    /// <summary>A job runs for its spec's duration × this (0.001 makes an hour last 3.6 s in a demo).</summary>
    public double TimeScale { get; set; } = 1.0;

    /// <summary>Usage samples reported during a run (evenly spaced; at least one).</summary>
    public int SamplesPerRun { get; set; } = 3;

    public void Validate()
    {
        if (!(TimeScale > 0) || double.IsInfinity(TimeScale))
        {
            throw new WPAI.Abstractions.Errors.WpaiValidationException($"{SectionName}:TimeScale", $"must be a positive number (got {TimeScale})", "Use 1 for real time, 0.001 to run an hour in 3.6 s.");
        }

        if (SamplesPerRun < 1)
        {
            throw new WPAI.Abstractions.Errors.WpaiValidationException($"{SectionName}:SamplesPerRun", $"must be at least 1 (got {SamplesPerRun})", "Use 3 (the default).");
        }
    }
}
