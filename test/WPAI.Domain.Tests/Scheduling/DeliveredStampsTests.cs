using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Scheduling;

public sealed class DeliveredStampsTests
{
    [Fact]
    public void Covers_Zero_WhenNothingApplied()
    {
        var stamps = new DeliveredStamps();

        Assert.True(stamps.Covers("a", 0));
        Assert.False(stamps.Covers("a", 1));
    }

    [Fact]
    public void Covers_OnlyUpToTheFirstGap_WhenMessagesArriveOutOfOrder()
    {
        var stamps = new DeliveredStamps();

        stamps.Apply("a", 2);
        stamps.Apply("a", 3);

        Assert.False(stamps.Covers("a", 2));
        Assert.Equal(0, stamps.Contiguous("a"));
        Assert.Equal(2, stamps.Ahead("a"));

        stamps.Apply("a", 1);

        Assert.True(stamps.Covers("a", 3));
        Assert.False(stamps.Covers("a", 4));
        Assert.Equal(0, stamps.Ahead("a"));
    }

    [Fact]
    public void Apply_Repeat_ChangesNothing_AndOriginsAreSeparate()
    {
        var stamps = new DeliveredStamps();

        stamps.Apply("a", 1);
        stamps.Apply("a", 1);
        stamps.Apply("b", 2);

        Assert.Equal(1, stamps.Contiguous("a"));
        Assert.Equal(0, stamps.Ahead("a"));
        Assert.False(stamps.Covers("b", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => stamps.Apply("a", 0));
    }
}
