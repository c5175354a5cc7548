using WPAI.Abstractions.Contracts;
using WPAI.Domain.Agents;

namespace WPAI.Domain.Tests.Agents;

public sealed class AgentLivenessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(true, false, 31, true)]
    [InlineData(true, false, 30, false)]
    [InlineData(true, true, 300, false)]
    [InlineData(false, false, 300, false)]
    public void MustMarkDown_OnlyAConnectedAgentSilentPastTheTimeout_AndOnce(bool connected, bool down, int silentSeconds, bool expected) =>
        Assert.Equal(expected, AgentLiveness.MustMarkDown(connected, down, TimeSpan.FromSeconds(silentSeconds), Timeout));

    [Fact]
    public void ModeToRemember_KeepsTheEarlierMode_WhenTheNodeIsAlreadyDown()
    {
        Assert.Equal(NodeMode.OfflineNormal, AgentLiveness.ModeToRemember(NodeMode.OfflineNormal, NodeMode.Fixed));
        Assert.Equal(NodeMode.OnlineNormal, AgentLiveness.ModeToRemember(NodeMode.Down, NodeMode.OnlineNormal));
    }

    [Fact]
    public void ModeOnReturn_IsTheRememberedMode_OrTheAnnouncedOneAfterAHandoverCutShort()
    {
        Assert.Equal(NodeMode.OfflineNormal, AgentLiveness.ModeOnReturn(NodeMode.OfflineNormal, NodeMode.Fixed));
        Assert.Equal(NodeMode.Fixed, AgentLiveness.ModeOnReturn(NodeMode.Unnormal, NodeMode.Fixed));
    }

    [Fact]
    public void SilenceReason_NamesTheSilenceAndTheTimeout() =>
        Assert.Equal("node agent silent for 95s (timeout 30s)", AgentLiveness.SilenceReason(TimeSpan.FromSeconds(94.6), Timeout));
}
