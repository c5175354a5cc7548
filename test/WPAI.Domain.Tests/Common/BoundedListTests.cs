using WPAI.Domain.Common;

namespace WPAI.Domain.Tests.Common;

public sealed class BoundedListTests
{
    [Fact]
    public void AddNewestLast_DropsTheOldest_BeyondTheBound()
    {
        var list = new List<int> { 1, 2, 3 };
        Assert.Equal(1, BoundedList.AddNewestLast(list, 4, 3));
        Assert.Equal([2, 3, 4], list);
    }

    [Fact]
    public void AddNewestFirst_DropsTheOldestAtTheEnd_BeyondTheBound()
    {
        var list = new List<int> { 3, 2, 1 };
        Assert.Equal(1, BoundedList.AddNewestFirst(list, 4, 3));
        Assert.Equal([4, 3, 2], list);
    }

    [Fact]
    public void TrimOldestFirst_KeepsTheNewest_AndCountsWhatItDropped()
    {
        var list = Enumerable.Range(1, 10).ToList();
        Assert.Equal(6, BoundedList.TrimOldestFirst(list, 4));
        Assert.Equal([7, 8, 9, 10], list);
        Assert.Equal(0, BoundedList.TrimOldestFirst(list, 4));
    }

    [Fact]
    public void NegativeBound_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BoundedList.TrimOldestFirst(new List<int>(), -1));
    }
}
