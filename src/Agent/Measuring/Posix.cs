using System.Runtime.InteropServices;

namespace WPAI.Agent.Measuring;

/// <summary>
/// The POSIX calls the agent needs and .NET does not offer: signalling a whole process group (<c>kill(-pgid, sig)</c>;
/// <see cref="System.Diagnostics.Process.Kill(bool)"/> only sends SIGKILL, and only to descendants it can still see)
/// and the clock-tick rate of /proc times. Declared with <see cref="LibraryImportAttribute"/> against libc.
/// </summary>
public static partial class Posix
{
    public const int SigTerm = 15;
    public const int SigKill = 9;
    private const int ClockTicksName = 2; // _SC_CLK_TCK on Linux

    public static readonly long ClockTicksPerSecond = Math.Max(1, SysConf(ClockTicksName));

    /// <summary>Sends <paramref name="signal"/> to every process of the group; false when the group no longer exists.</summary>
    public static bool SignalGroup(int processGroup, int signal) => processGroup > 1 && Kill(-processGroup, signal) == 0;

    /// <summary>The conventional name of a signal number (SIGTERM, SIGKILL …), or SIG+number.</summary>
    public static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        24 => "SIGXCPU",
        25 => "SIGXFSZ",
        _ => $"SIG{signal}",
    };

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);
}
