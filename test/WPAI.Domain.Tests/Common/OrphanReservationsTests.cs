using WPAI.Domain.Common;

namespace WPAI.Domain.Tests.Common;

public sealed class OrphanReservationsTests
{
    [Fact]
    public void Find_ReturnsUnclaimedReservations_InTheirOrder()
    {
        var orphans = OrphanReservations.Find([("a", "j1"), ("a", "j2"), ("b", "j3")], (node, owner) => owner == "j2");
        Assert.Equal(new[] { ("a", "j1"), ("b", "j3") }, orphans.ToArray());
    }

    [Fact]
    public void Find_OnOneNode_NamesThatNode()
    {
        var orphans = OrphanReservations.Find("n1", ["svc/replica-1", "svc/replica-2"], owner => owner.EndsWith("-2", StringComparison.Ordinal));
        Assert.Equal(new[] { ("n1", "svc/replica-1") }, orphans.ToArray());
    }

    [Fact]
    public void Find_NothingWhenAllAreClaimed()
    {
        Assert.Empty(OrphanReservations.Find([("a", "j1")], (_, _) => true));
    }
}
