using System.Globalization;

namespace WPAI.Agent.Measuring;

/// <summary>
/// Reads <c>/proc</c>: a process's start time (to recognise it after an agent restart, since pids are reused), and the
/// CPU time and resident memory of a whole process group (the run and everything it started).
/// </summary>
public static class ProcessTable
{
    /// <summary>Fields of /proc/PID/stat after the command name: state, pgrp, utime, stime, cutime, cstime, starttime, rss.</summary>
    public sealed record Stat(char State, int ProcessGroup, long UserTicks, long SystemTicks, long ChildUserTicks, long ChildSystemTicks, long StartTicks, long RssPages)
    {
        public long CpuTicks => UserTicks + SystemTicks + ChildUserTicks + ChildSystemTicks;
    }

    /// <summary>The stat of a process; null when it does not exist (or is a zombie, which no longer runs).</summary>
    public static Stat? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        var stat = Parse(text);
        return stat is null || stat.State is 'Z' or 'X' ? null : stat;
    }

    /// <summary>Parses one /proc/PID/stat line (the command name may hold spaces and parentheses: fields follow the last ')').</summary>
    public static Stat? Parse(string text)
    {
        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var f = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 22)
        {
            return null;
        }

        // f[0] is field 3 (state); field n is f[n - 3].
        return new Stat(f[0][0], Int(f[2]), Long(f[11]), Long(f[12]), Long(f[13]), Long(f[14]), Long(f[19]), Long(f[21]));
    }

    /// <summary>Whether <paramref name="pid"/> is still the process that started at <paramref name="startTicks"/>.</summary>
    public static bool IsAlive(int pid, long startTicks) => Read(pid) is { } stat && stat.StartTicks == startTicks;

    /// <summary>CPU seconds and resident MiB of every live process in the group.</summary>
    public static (double CpuSeconds, double RssMib) Group(int processGroup)
    {
        long ticks = 0;
        long pages = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            if (Read(pid) is { } stat && stat.ProcessGroup == processGroup)
            {
                ticks += stat.CpuTicks;
                pages += stat.RssPages;
            }
        }

        return (ticks / (double)Posix.ClockTicksPerSecond, pages * (double)Environment.SystemPageSize / (1024 * 1024));
    }

    /// <summary>MemTotal of /proc/meminfo in MiB (0 when unreadable).</summary>
    public static long MemoryTotalMib()
    {
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                var kib = long.Parse(line["MemTotal:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
                return kib / 1024;
            }
        }

        return 0;
    }

    private static int Int(string s) => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static long Long(string s) => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
