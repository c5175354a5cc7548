using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;
using WPAI.Domain.Text;

namespace WPAI.Cli.Commands.Pool;

public sealed class PoolMixingSettings : WpaiSettings
{
    [CommandArgument(0, "<POOL>")]
    [Description("Pool name (the GPU model, e.g. T4)")]
    public string Pool { get; set; } = string.Empty;

    [CommandOption("--policy <POLICY>")]
    [Description("threshold (lend below --min-rate, reclaim above --max-rate), time-window (lend inside --window), or off")]
    public string? Policy { get; set; }

    [CommandOption("--min-rate <FRACTION>")]
    [Description("Online usage rate below which idle online nodes are lent (default 0.3)")]
    public string? MinRate { get; set; }

    [CommandOption("--max-rate <FRACTION>")]
    [Description("Online usage rate above which lent nodes are taken back (default 0.8)")]
    public string? MaxRate { get; set; }

    [CommandOption("--min-dwell <DURATION>")]
    [Description("A node stays at least this long in a mode before it is handed over again (default 30m; 0 for none)")]
    public string? MinDwell { get; set; }

    [CommandOption("--reclaim-grace <DURATION>")]
    [Description("How long a node being taken back drains before its training jobs are killed (default 30m; 0 kills at once)")]
    public string? ReclaimGrace { get; set; }

    [CommandOption("--reclaim-ahead <on|off>")]
    [Description("Reclaim before the services' forecast peak within --horizon (look-ahead a)")]
    public string? ReclaimAhead { get; set; }

    [CommandOption("--avoid-doomed <on|off>")]
    [Description("Keep a short job off a lent node forecast to be reclaimed before the job ends (look-ahead b)")]
    public string? AvoidDoomed { get; set; }

    [CommandOption("--valley <on|off>")]
    [Description("Also lend when the forecast over --valley-horizon keeps usage after lending under the band's midpoint")]
    public string? Valley { get; set; }

    [CommandOption("--valley-horizon <DURATION>")]
    [Description("How far ahead --valley looks (default 3h)")]
    public string? ValleyHorizon { get; set; }

    [CommandOption("--lend-to-forecast <on|off>")]
    [Description("Keep online only the nodes the forecast peak over --valley-horizon needs at --lend-target, lend the rest")]
    public string? LendToForecast { get; set; }

    [CommandOption("--lend-target <RATE>")]
    [Description("The usage rate --lend-to-forecast sizes the online nodes to, above --min-rate and at most --max-rate (default 0.7)")]
    public string? LendTarget { get; set; }

    [CommandOption("--reclaim-soonest <on|off>")]
    [Description("Take back the lent nodes whose jobs are expected to end soonest first (default: least work lost)")]
    public string? ReclaimSoonest { get; set; }

    [CommandOption("--drain-on-forecast <on|off>")]
    [Description("A node being taken back drains until the forecast needs it, instead of for --reclaim-grace")]
    public string? DrainOnForecast { get; set; }

    [CommandOption("--kill-only-for-room <on|off>")]
    [Description("Kill at once only while pending replicas find no room on the serving nodes; the other nodes taken back drain")]
    public string? KillOnlyForRoom { get; set; }

    [CommandOption("--place-on-reclaim <on|off>")]
    [Description("When a node comes back to serving, the pool's services place their pending replicas in the same tick")]
    public string? PlaceOnReclaim { get; set; }

    [CommandOption("--busiest-day-reclaim-times <on|off>")]
    [Description("Expected reclaim times of lent nodes (for placing jobs that end in time) from the busiest recent day at each time of day, not the mean")]
    public string? BusiestDayReclaimTimes { get; set; }

    [CommandOption("--reclaim-fewest-kills <on|off>")]
    [Description("A reclaim that must kill at once takes back the lent nodes with the fewest training runs first")]
    public string? ReclaimFewestKills { get; set; }

    [CommandOption("--band-above-minimum <off|on|with-room>")]
    [Description("Lend, size and reclaim on the demand above the services' minimum replicas: an idle minimum replica is not load; with-room: never lend down to exactly the minimum")]
    public string? BandAboveMinimum { get; set; }

    [CommandOption("--lend-more-while-full <on|off>")]
    [Description("With --lend-to-forecast: while every lent node is full, size the online nodes to --max-rate instead of --lend-target (lend more where the lent room is used)")]
    public string? LendMoreWhileFull { get; set; }

    [CommandOption("--horizon <DURATION>")]
    [Description("How far ahead --reclaim-ahead looks (default 1h)")]
    public string? Horizon { get; set; }

    [CommandOption("--window <HH:MM-HH:MM>")]
    [Description("The daily UTC lending window of the time-window policy (default 00:00-08:00)")]
    public string? Window { get; set; }

    [CommandOption("--tick-interval <DURATION>")]
    [Description("How often the controller runs by itself (default 1m; 0 = only with --tick)")]
    public string? TickInterval { get; set; }

    [CommandOption("--tick")]
    [Description("Run one tick now and print the handover steps it took")]
    public bool Tick { get; set; }

    /// <summary>True when any setting is given (then the controller is (re)configured).</summary>
    public bool ChangesSettings =>
        Policy is not null || MinRate is not null || MaxRate is not null || MinDwell is not null || ReclaimGrace is not null || ReclaimAhead is not null
        || AvoidDoomed is not null || Horizon is not null || Window is not null || TickInterval is not null
        || Valley is not null || ValleyHorizon is not null || ReclaimSoonest is not null || DrainOnForecast is not null
        || LendToForecast is not null || LendTarget is not null || KillOnlyForRoom is not null || PlaceOnReclaim is not null
        || BusiestDayReclaimTimes is not null || ReclaimFewestKills is not null || BandAboveMinimum is not null || LendMoreWhileFull is not null;

    /// <summary>The given options applied over <paramref name="current"/> (the controller's, or the defaults).</summary>
    public MixingSettings Apply(MixingSettings current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var s = current;
        if (Policy is not null)
        {
            s = s with { Policy = ParsePolicy(Policy) };
        }

        if (MinRate is not null)
        {
            s = s with { MinRate = Quantities.ParseFraction(MinRate, "--min-rate") };
        }

        if (MaxRate is not null)
        {
            s = s with { MaxRate = Quantities.ParseFraction(MaxRate, "--max-rate") };
        }

        if (MinDwell is not null)
        {
            s = s with { MinDwell = DurationText.Parse(MinDwell, "--min-dwell", allowZero: true) };
        }

        if (ReclaimGrace is not null)
        {
            s = s with { ReclaimGrace = DurationText.Parse(ReclaimGrace, "--reclaim-grace", allowZero: true) };
        }

        if (ReclaimAhead is not null)
        {
            s = s with { ReclaimAhead = ParseSwitch(ReclaimAhead, "--reclaim-ahead") };
        }

        if (AvoidDoomed is not null)
        {
            s = s with { AvoidDoomedPlacement = ParseSwitch(AvoidDoomed, "--avoid-doomed") };
        }

        if (Valley is not null)
        {
            s = s with { LendOnValley = ParseSwitch(Valley, "--valley") };
            s = s.ValleyHorizon == TimeSpan.Zero ? s with { ValleyHorizon = MixingSettings.Default.ValleyHorizon } : s; // set before valley lending existed
        }

        if (ValleyHorizon is not null)
        {
            s = s with { ValleyHorizon = DurationText.Parse(ValleyHorizon, "--valley-horizon") };
        }

        if (LendToForecast is not null)
        {
            s = s with { LendToForecast = ParseSwitch(LendToForecast, "--lend-to-forecast") };
            s = s.ValleyHorizon == TimeSpan.Zero ? s with { ValleyHorizon = MixingSettings.Default.ValleyHorizon } : s;
            s = s.LendTargetRate == 0 ? s with { LendTargetRate = MixingSettings.Default.LendTargetRate } : s; // set before forecast sizing existed
        }

        if (LendTarget is not null)
        {
            s = s with { LendTargetRate = Quantities.ParseFraction(LendTarget, "--lend-target") };
        }

        if (ReclaimSoonest is not null)
        {
            s = s with { ReclaimSoonestEnding = ParseSwitch(ReclaimSoonest, "--reclaim-soonest") };
        }

        if (KillOnlyForRoom is not null)
        {
            s = s with { KillOnlyForRoom = ParseSwitch(KillOnlyForRoom, "--kill-only-for-room") };
        }

        if (PlaceOnReclaim is not null)
        {
            s = s with { PlaceOnReclaim = ParseSwitch(PlaceOnReclaim, "--place-on-reclaim") };
        }

        if (BusiestDayReclaimTimes is not null)
        {
            s = s with { BusiestDayReclaimTimes = ParseSwitch(BusiestDayReclaimTimes, "--busiest-day-reclaim-times") };
        }

        if (ReclaimFewestKills is not null)
        {
            s = s with { ReclaimFewestKills = ParseSwitch(ReclaimFewestKills, "--reclaim-fewest-kills") };
        }

        if (BandAboveMinimum is not null)
        {
            var (above, room) = ParseBandAboveMinimum(BandAboveMinimum);
            s = s with { BandAboveMinimum = above, KeepRoomAboveMinimum = room };
        }

        if (LendMoreWhileFull is not null)
        {
            s = s with { LendMoreWhileLentFull = ParseSwitch(LendMoreWhileFull, "--lend-more-while-full") };
        }

        if (DrainOnForecast is not null)
        {
            s = s with { DrainOnForecast = ParseSwitch(DrainOnForecast, "--drain-on-forecast") };
        }

        if (Horizon is not null)
        {
            s = s with { LookAheadHorizon = DurationText.Parse(Horizon, "--horizon") };
        }

        if (Window is not null)
        {
            var (start, end) = ParseWindow(Window);
            s = s with { WindowStart = start, WindowEnd = end };
        }

        if (TickInterval is not null)
        {
            s = s with { TickInterval = DurationText.Parse(TickInterval, "--tick-interval", allowZero: true) };
        }

        return s;
    }

    protected override void ValidateOptions()
    {
        if (string.IsNullOrWhiteSpace(Pool))
        {
            throw new WpaiValidationException("POOL", "is empty", "Name the pool, e.g. ./wpai pool mixing T4 --policy threshold");
        }

        _ = Apply(MixingSettings.Default);
    }

    private static MixingPolicyKind ParsePolicy(string text) => text.Trim().ToLowerInvariant() switch
    {
        "off" => MixingPolicyKind.Off,
        "threshold" => MixingPolicyKind.Threshold,
        "time-window" or "timewindow" or "window" => MixingPolicyKind.TimeWindow,
        _ => throw new WpaiValidationException("--policy", $"'{text}' is not a mixing policy", "Use --policy threshold, --policy time-window or --policy off"),
    };

    private static bool ParseSwitch(string text, string option) => text.Trim().ToLowerInvariant() switch
    {
        "on" or "true" or "yes" => true,
        "off" or "false" or "no" => false,
        _ => throw new WpaiValidationException(option, $"'{text}' is neither on nor off", $"Write {option} on or {option} off"),
    };

    private static (bool AboveMinimum, bool KeepRoom) ParseBandAboveMinimum(string text) => text.Trim().ToLowerInvariant() switch
    {
        "with-room" => (true, true),
        "on" or "true" or "yes" => (true, false),
        "off" or "false" or "no" => (false, false),
        _ => throw new WpaiValidationException(
            "--band-above-minimum", $"'{text}' is not off, on or with-room", "Write --band-above-minimum off, --band-above-minimum on or --band-above-minimum with-room"),
    };

    private static (TimeOnly Start, TimeOnly End) ParseWindow(string text)
    {
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && TimeOnly.TryParseExact(parts[0], "H:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            && TimeOnly.TryParseExact(parts[1], "H:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end))
        {
            return (start, end);
        }

        throw new WpaiValidationException("--window", $"'{text}' is not a daily window", "Write UTC times as --window 00:00-08:00 (it may wrap midnight: 22:00-06:00)");
    }
}
