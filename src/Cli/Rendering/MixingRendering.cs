using System.Globalization;
using Spectre.Console;
using WPAI.Abstractions.Contracts.Mixing;

namespace WPAI.Cli.Rendering;

/// <summary>A pool's mixing controller: settings, what it measured, counters, and its newest decisions.</summary>
public static class MixingRendering
{
    /// <summary>How many decisions the table shows (newest first); JSON carries all the controller keeps.</summary>
    public const int ShownDecisions = 10;

    public static void Show(IAnsiConsole console, MixingView mixing)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(mixing);
        console.Write(Tables.Details(Details(mixing)));
        Decisions(console, mixing);
    }

    /// <summary>The controller as a section of <c>pool show</c>, or a line saying there is none.</summary>
    public static void Section(IAnsiConsole console, string pool, MixingView? mixing)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (mixing is null)
        {
            console.WriteLine();
            console.WriteLine($"Mixing: not configured (configure it with ./wpai pool mixing {pool} --policy threshold).");
            return;
        }

        Tables.Section(console, "Mixing", Tables.Details(Details(mixing)));
        Decisions(console, mixing);
    }

    private static IEnumerable<(string, string)> Details(MixingView m)
    {
        var s = m.Settings;
        yield return ("Policy", s.Policy switch
        {
            MixingPolicyKind.Off => "off (lent nodes are taken back)",
            MixingPolicyKind.TimeWindow => Invariant($"time-window: lend {s.WindowStart:HH:mm}–{s.WindowEnd:HH:mm} UTC while usage ≤ {s.MaxRate:0.00}"),
            _ => Invariant($"threshold: lend below {s.MinRate:0.00}, reclaim above {s.MaxRate:0.00}"),
        });
        yield return ("Min dwell", Format.Duration(s.MinDwell));
        yield return ("Grace", s.ReclaimGrace > TimeSpan.Zero ? $"{Format.Duration(s.ReclaimGrace)} of draining before a reclaim kills jobs" : "none: a reclaim kills jobs at once");
        var lookAhead = new List<string>();
        if (s.ReclaimAhead)
        {
            lookAhead.Add($"reclaim ahead of the forecast peak ({Format.Duration(s.LookAheadHorizon)})");
        }

        if (s.AvoidDoomedPlacement)
        {
            lookAhead.Add("keep short jobs off nodes forecast to be reclaimed before they end");
        }

        yield return ("Look-ahead", lookAhead.Count == 0 ? "off" : string.Join("; ", lookAhead));
        yield return ("Ticks", s.TickInterval > TimeSpan.Zero ? $"every {Format.Duration(s.TickInterval)}" : "on request only");
        yield return ("Last tick", m.LastTick is { } at ? Format.Time(at) : "never");
        if (!string.IsNullOrWhiteSpace(m.Summary))
        {
            yield return ("Verdict", m.Summary);
        }
        var usage = Invariant($"{m.UsageRate:0.00} ({m.DemandGpus:0.##} {m.Unit} of inference demand on {m.OnlineGpus} online {m.Unit})");
        if (m.ForecastRate is { } f)
        {
            usage += Invariant($", forecast {f:0.00}");
        }

        if (m.PendingReplicas > 0)
        {
            usage += Invariant($", {m.PendingReplicas} replicas pending");
        }

        yield return ("Usage", usage);
        yield return ("Lent nodes", Names(m.LentNodes));
        yield return ("Draining", Names(m.Draining));
        yield return ("Handovers", Invariant($"{m.Lent} lent, {m.Reclaimed} reclaimed, {m.Kills} jobs killed"));
    }

    private static void Decisions(IAnsiConsole console, MixingView m)
    {
        var decisions = m.Decisions.IsDefault ? [] : m.Decisions;
        if (decisions.IsEmpty)
        {
            return;
        }

        var table = Tables.List("AT", "NODE", "STEP", "USAGE", "KILLED", "MOVED", "REASON");
        table.Columns[^1].NoWrap = false; // long reasons wrap instead of squeezing the other columns out
        foreach (var d in decisions.Take(ShownDecisions))
        {
            table.AddRow(
                Format.Time(d.At),
                d.Node,
                $"{d.From} -> {Format.Mode(d.To, d.Target)}",
                d.UsageRate.ToString("0.00", CultureInfo.InvariantCulture),
                Names(d.KilledJobs),
                (d.MovedReplicas.IsDefault ? 0 : d.MovedReplicas.Length).ToString(CultureInfo.InvariantCulture),
                d.Reason);
        }

        Tables.Section(console, "Last decisions", table);
    }

    private static string Names(System.Collections.Immutable.ImmutableArray<string> names) =>
        names.IsDefaultOrEmpty ? "-" : string.Join(", ", names);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
