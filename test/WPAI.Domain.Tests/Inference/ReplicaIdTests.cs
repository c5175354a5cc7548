using WPAI.Domain.Inference;

namespace WPAI.Domain.Tests.Inference;

public sealed class ReplicaIdTests
{
    [Fact]
    public void ToString_And_Parse_RoundTrip()
    {
        var id = new ReplicaId("resnet", 7);
        Assert.Equal("resnet/replica-7", id.ToString());
        Assert.Equal(id, ReplicaId.Parse("resnet/replica-7"));
    }

    [Fact]
    public void Parse_TakesTheLastMarker_ForServiceNamesWithSlashes()
    {
        var id = ReplicaId.Parse("team/a/replica-x/replica-12");
        Assert.Equal("team/a/replica-x", id.Service);
        Assert.Equal(12, id.Ordinal);
    }

    [Theory]
    [InlineData("job-1")]
    [InlineData("/replica-3")]
    [InlineData("svc/replica-")]
    [InlineData("svc/replica--1")]
    [InlineData("svc/replica-1a")]
    public void TryParse_RejectsWhatIsNoReplicaId(string text)
    {
        Assert.False(ReplicaId.TryParse(text, out _));
        Assert.Throws<FormatException>(() => ReplicaId.Parse(text));
    }

    [Fact]
    public void IsOf_MatchesTheServiceExactly()
    {
        Assert.True(ReplicaId.IsOf("svc/replica-1", "svc"));
        Assert.False(ReplicaId.IsOf("svc2/replica-1", "svc"));
        Assert.False(ReplicaId.IsOf("job-1", "svc"));
    }

    [Fact]
    public void Constructor_RejectsEmptyServiceAndNegativeOrdinal()
    {
        Assert.Throws<ArgumentException>(() => new ReplicaId(" ", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReplicaId("svc", -1));
    }
}
