namespace WPAI.Cli.Commands.Doctor;

/// <summary>One line of <c>wpai doctor</c>: what was checked, the verdict, and what was found (with the fix when it is not a pass).</summary>
public sealed record DoctorCheck(string Check, DoctorVerdict Verdict, string Detail);
