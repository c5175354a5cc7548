using System.Collections.Immutable;

namespace WPAI.Cli.Commands.Doctor;

/// <summary>Every check <c>wpai doctor</c> ran, in order, and the overall verdict (the worst one).</summary>
public sealed record DoctorReport(ImmutableArray<DoctorCheck> Checks)
{
    public DoctorVerdict Verdict => Checks.IsDefaultOrEmpty ? DoctorVerdict.Pass : Checks.Max(c => c.Verdict);
}
