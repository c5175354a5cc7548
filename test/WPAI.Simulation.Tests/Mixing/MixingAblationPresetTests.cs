using WPAI.Simulation.Mixing;

namespace WPAI.Simulation.Tests.Mixing;

public sealed class MixingAblationPresetTests
{
    [Theory]
    [InlineData("wpai-mixing-all-no-valley")]
    [InlineData("wpai-mixing-all-no-forecast")]
    [InlineData("wpai-mixing-all-no-soonest")]
    [InlineData("wpai-mixing-all-no-drain")]
    [InlineData("wpai-mixing-all-no-busiest")]
    [InlineData("wpai-mixing-all-no-fewest")]
    [InlineData("wpai-mixing-all-above-minimum")]
    [InlineData("wpai-mixing-all-whole-band")]
    [InlineData("wpai-mixing-all-lend-while-full")]
    public void Get_LendingAblation_DiffersFromAllInExactlyItsOneSetting(string name)
    {
        var all = MixingPolicies.WpaiMixingAll;
        var ablation = MixingPolicies.Get(name);
        var restored = name switch
        {
            "wpai-mixing-all-no-valley" => ablation.Settings with { LendOnValley = true },
            "wpai-mixing-all-no-forecast" => ablation.Settings with { LendToForecast = true },
            "wpai-mixing-all-no-soonest" => ablation.Settings with { ReclaimSoonestEnding = true },
            "wpai-mixing-all-no-busiest" => ablation.Settings with { BusiestDayReclaimTimes = true },
            "wpai-mixing-all-no-fewest" => ablation.Settings with { ReclaimFewestKills = true },
            "wpai-mixing-all-above-minimum" => ablation.Settings with { KeepRoomAboveMinimum = true },
            "wpai-mixing-all-whole-band" => ablation.Settings with { BandAboveMinimum = true, KeepRoomAboveMinimum = true },
            "wpai-mixing-all-lend-while-full" => ablation.Settings with { LendMoreWhileLentFull = false },
            _ => ablation.Settings with { DrainOnForecast = true },
        };

        Assert.NotEqual(all.Settings, ablation.Settings);
        Assert.Equal(all.Settings, restored);
        Assert.Equal((all.MatchRunTime, all.LentFirstAcrossPools, all.Checkpoint), (ablation.MatchRunTime, ablation.LentFirstAcrossPools, ablation.Checkpoint));
    }

    [Fact]
    public void WpaiMixingAll_ReadsTheBandAboveTheMinimumWithRoom_UnderTheNameItWasChosenBy()
    {
        var all = MixingPolicies.WpaiMixingAll;
        var room = MixingPolicies.Get("wpai-mixing-all-above-minimum-room");

        Assert.True(all.Settings.BandAboveMinimum && all.Settings.KeepRoomAboveMinimum);
        Assert.Equal((all.Settings, all.MatchRunTime, all.LentFirstAcrossPools, all.Checkpoint), (room.Settings, room.MatchRunTime, room.LentFirstAcrossPools, room.Checkpoint));
    }
}
