using System.Globalization;

namespace WPAI.Benchmarks;

/// <summary>
/// CPU time (user + system) of processes from <c>/proc/PID/stat</c> (Linux): of one process, or of a process and all
/// its descendants (PostgreSQL's backends are children of the postmaster; backends that already exited are in the
/// postmaster's "children" times).
/// </summary>
internal static class ProcessCpu
{
    // Linux reports these fields in clock ticks of USER_HZ, 100 per second on every mainstream architecture.
    private const double TicksPerSecond = 100;

    public static TimeSpan OfProcess(int pid) => Read(pid) is { } stat ? Seconds(stat.User + stat.System) : TimeSpan.Zero;

    /// <summary>The CPU time one process spent in the kernel (system time).</summary>
    public static TimeSpan SystemOf(int pid) => Read(pid) is { } stat ? Seconds(stat.System) : TimeSpan.Zero;

    /// <summary>
    /// Context switches of one process's live threads so far (voluntary: a thread blocked or slept; involuntary: it was
    /// preempted), from <c>/proc/PID/task/*/status</c>; threads that exited meanwhile are not counted.
    /// </summary>
    public static (long Voluntary, long Involuntary) SwitchesOf(int pid)
    {
        var (voluntary, involuntary) = (0L, 0L);
        IEnumerable<string> tasks;
        try
        {
            tasks = Directory.EnumerateDirectories($"/proc/{pid}/task").ToList();
        }
        catch (IOException)
        {
            return (0, 0);
        }

        foreach (var task in tasks)
        {
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal))
                    {
                        voluntary += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
                    }
                    else if (line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    {
                        involuntary += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (IOException)
            {
                // the thread exited
            }
        }

        return (voluntary, involuntary);
    }

    public static TimeSpan OfTree(int rootPid)
    {
        var stats = AllProcesses();
        if (!stats.TryGetValue(rootPid, out var root))
        {
            return TimeSpan.Zero;
        }

        var total = root.User + root.System + root.ChildrenUser + root.ChildrenSystem;
        var tree = new HashSet<int> { rootPid };
        bool grew;
        do
        {
            grew = false;
            foreach (var (pid, stat) in stats)
            {
                if (!tree.Contains(pid) && tree.Contains(stat.Parent))
                {
                    tree.Add(pid);
                    total += stat.User + stat.System;
                    grew = true;
                }
            }
        }
        while (grew);
        return Seconds(total);
    }

    /// <summary>The postmaster's PID of a server started by scripts/postgres.sh (null when the server is not ours).</summary>
    public static int? PostmasterOf(string? dataDirectory)
    {
        var file = dataDirectory is null ? null : Path.Combine(dataDirectory, "data", "postmaster.pid");
        if (file is null || !File.Exists(file))
        {
            return null;
        }

        return int.TryParse(File.ReadLines(file).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    private static TimeSpan Seconds(long ticks) => TimeSpan.FromSeconds(ticks / TicksPerSecond);

    private static Dictionary<int, Stat> AllProcesses()
    {
        var result = new Dictionary<int, Stat>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Read(pid) is { } stat)
            {
                result[pid] = stat;
            }
        }

        return result;
    }

    private static Stat? Read(int pid)
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

        // The command name (field 2) is in parentheses and may contain spaces: split after its closing parenthesis.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return new Stat((int)Field(4), Field(14), Field(15), Field(16), Field(17));
    }

    private readonly record struct Stat(int Parent, long User, long System, long ChildrenUser, long ChildrenSystem);
}
