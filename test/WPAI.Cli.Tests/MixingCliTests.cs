using Spectre.Console.Testing;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Cli.Rendering;

namespace WPAI.Cli.Tests;

/// <summary><c>wpai pool mixing</c> and the mixing section of <c>wpai pool show</c>.</summary>
public sealed class MixingCliTests
{
    [Fact]
    public void MixingShow_Table_ShowsSettingsMeasurementsCountersAndDecisions()
    {
        var output = Render(c => MixingRendering.Show(c, Views.Mixing()));

        Assert.Equal(
            """
            Policy      threshold: lend below 0.30, reclaim above 0.80
            Min dwell   30m 00s
            Grace       30m 00s of draining before a reclaim kills jobs
            Look-ahead  off
            Ticks       every 1m 00s
            Last tick   2026-11-28 03:00:00Z
            Usage       0.25 (4 GPUs of inference demand on 16 online GPUs)
            Lent nodes  t4-c
            Draining    -
            Handovers   3 lent, 2 reclaimed, 1 jobs killed

            Last decisions
            AT                    NODE  STEP                       USAGE  KILLED   MOVED  REASON
            2026-11-28 03:00:00Z  t4-c  Unnormal -> OfflineNormal  0.25   -        1      usage 0.25 below min 0.30
            2026-11-27 09:00:00Z  t4-d  Unnormal -> OnlineNormal   0.85   train-7  0      usage 0.85 above max 0.80

            """,
            output);
    }

    [Fact]
    public async Task PoolMixing_Options_ConfigureOverTheDefaults()
    {
        var client = new RecordingClient();

        var run = await CliRun.RunAsync(
            client,
            "pool", "mixing", "T4", "--policy", "time-window", "--window", "22:00-06:00", "--min-dwell", "0", "--reclaim-ahead", "on",
            "--avoid-doomed", "on", "--horizon", "90m", "--tick-interval", "0", "--max-rate", "0.7", "--reclaim-grace", "15m");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Error);
        Assert.Equal(
            MixingSettings.Default with
            {
                Policy = MixingPolicyKind.TimeWindow,
                WindowStart = new TimeOnly(22, 0),
                WindowEnd = new TimeOnly(6, 0),
                MinDwell = TimeSpan.Zero,
                ReclaimAhead = true,
                AvoidDoomedPlacement = true,
                LookAheadHorizon = TimeSpan.FromMinutes(90),
                TickInterval = TimeSpan.Zero,
                MaxRate = 0.7,
                ReclaimGrace = TimeSpan.FromMinutes(15),
            },
            client.MixingConfigured);
        Assert.Contains("time-window: lend 22:00–06:00 UTC", run.Output, StringComparison.Ordinal);
        Assert.Contains("15m 00s of draining", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PoolMixing_LendingThatPaysOptions_Configure()
    {
        var client = new RecordingClient();

        var run = await CliRun.RunAsync(
            client, "pool", "mixing", "T4", "--valley", "on", "--valley-horizon", "2h", "--reclaim-soonest", "on", "--drain-on-forecast", "on");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            MixingSettings.Default with { LendOnValley = true, ValleyHorizon = TimeSpan.FromHours(2), ReclaimSoonestEnding = true, DrainOnForecast = true },
            client.MixingConfigured);

        var bad = await CliRun.RunAsync(new RecordingClient(), "pool", "mixing", "T4", "--drain-on-forecast", "maybe");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--drain-on-forecast", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PoolMixing_ReclaimOptions_Configure()
    {
        var client = new RecordingClient();

        var run = await CliRun.RunAsync(
            client, "pool", "mixing", "T4", "--kill-only-for-room", "on", "--busiest-day-reclaim-times", "on", "--reclaim-fewest-kills", "on", "--band-above-minimum", "on");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            MixingSettings.Default with { KillOnlyForRoom = true, BusiestDayReclaimTimes = true, ReclaimFewestKills = true, BandAboveMinimum = true },
            client.MixingConfigured);

        var bad = await CliRun.RunAsync(new RecordingClient(), "pool", "mixing", "T4", "--reclaim-fewest-kills", "yes please");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--reclaim-fewest-kills", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PoolMixing_LendMoreWhileFull_Configures_AndRejectsOtherWords()
    {
        var client = new RecordingClient();

        var run = await CliRun.RunAsync(client, "pool", "mixing", "T4", "--lend-to-forecast", "on", "--lend-more-while-full", "on");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(MixingSettings.Default with { LendToForecast = true, LendMoreWhileLentFull = true }, client.MixingConfigured);

        var bad = await CliRun.RunAsync(new RecordingClient(), "pool", "mixing", "T4", "--lend-more-while-full", "more");
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("error: --lend-more-while-full: 'more' is neither on nor off. Write --lend-more-while-full on or --lend-more-while-full off\n", bad.Error);
    }

    [Theory]
    [InlineData("with-room", true, true)]
    [InlineData("on", true, false)]
    [InlineData("off", false, false)]
    public async Task PoolMixing_BandAboveMinimum_SetsBothSwitches(string value, bool above, bool room)
    {
        var client = new RecordingClient
        {
            Mixing = Views.Mixing() with { Settings = MixingSettings.Default with { BandAboveMinimum = true, KeepRoomAboveMinimum = true } },
        };

        var run = await CliRun.RunAsync(client, "pool", "mixing", "T4", "--band-above-minimum", value);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(MixingSettings.Default with { BandAboveMinimum = above, KeepRoomAboveMinimum = room }, client.MixingConfigured);
    }

    [Fact]
    public async Task PoolMixing_KeepsTheCurrentSettings_ForOptionsNotGiven_AndTicksOnRequest()
    {
        var client = new RecordingClient { Mixing = Views.Mixing() with { Settings = MixingSettings.Default with { MinRate = 0.2 } } };

        var run = await CliRun.RunAsync(client, "pool", "mixing", "T4", "--max-rate", "0.9", "--tick");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(MixingSettings.Default with { MinRate = 0.2, MaxRate = 0.9 }, client.MixingConfigured);
        Assert.Equal(["pool mixing get T4", "pool mixing configure T4", "pool mixing tick T4", "pool mixing get T4"], client.Calls);
    }

    [Fact]
    public async Task PoolMixing_WithoutController_SaysHowToConfigureOne()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "pool", "mixing", "T4");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: pool 'T4' has no mixing controller; configure one, e.g. ./wpai pool mixing T4 --policy threshold\n", run.Error);
    }

    [Theory]
    [InlineData("--min-rate", "1.5", "error: --min-rate: '1.5' is not a fraction from 0 to 1. Write e.g. --min-rate 0.4")]
    [InlineData("--policy", "sometimes", "error: --policy: 'sometimes' is not a mixing policy. Use --policy threshold, --policy time-window or --policy off")]
    [InlineData("--window", "8-9", "error: --window: '8-9' is not a daily window. Write UTC times as --window 00:00-08:00 (it may wrap midnight: 22:00-06:00)")]
    [InlineData("--reclaim-ahead", "maybe", "error: --reclaim-ahead: 'maybe' is neither on nor off. Write --reclaim-ahead on or --reclaim-ahead off")]
    [InlineData("--band-above-minimum", "room", "error: --band-above-minimum: 'room' is not off, on or with-room. Write --band-above-minimum off, --band-above-minimum on or --band-above-minimum with-room")]
    [InlineData("--tick-interval", "soon", "error: --tick-interval: 'soon' is not a duration. Write e.g. 2h, 90m, 1h30m, 45s or 01:30:00")]
    public async Task PoolMixing_RejectsBadValues_WithOneLineAndExitCode2(string option, string value, string expected)
    {
        var client = new RecordingClient();

        var run = await CliRun.RunAsync(client, "pool", "mixing", "T4", option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expected + "\n", run.Error);
        Assert.Empty(client.Calls);
    }

    [Fact]
    public async Task PoolShow_Table_EndsWithTheMixingSection()
    {
        var client = new RecordingClient { Mixing = Views.Mixing() };

        var run = await CliRun.RunAsync(client, "pool", "show", "T4");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\nMixing\nPolicy      threshold: lend below 0.30, reclaim above 0.80\n", run.Output, StringComparison.Ordinal);
        Assert.Contains("Handovers   3 lent, 2 reclaimed, 1 jobs killed", run.Output, StringComparison.Ordinal);
        Assert.Contains("\nLast decisions\n", run.Output, StringComparison.Ordinal);

        var none = await CliRun.RunAsync(new RecordingClient(), "pool", "show", "T4");
        Assert.Contains("Mixing: not configured (configure it with ./wpai pool mixing T4 --policy threshold).", none.Output, StringComparison.Ordinal);
    }

    private static string Render(Action<TestConsole> render)
    {
        using var console = new TestConsole().Width(200);
        render(console);
        return CliRun.Normalize(console.Output);
    }
}
