namespace WPAI.Cli.Commands.Doctor;

/// <summary>The outcome of one doctor check.</summary>
public enum DoctorVerdict
{
    Pass,
    Warn,
    Fail,
}
