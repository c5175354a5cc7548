using WPAI.Abstractions.Contracts;

namespace WPAI.Domain.Tests;

public sealed class ResourcesTests
{
    [Fact]
    public void Fits_False_WhenAnyDimensionExceeds()
    {
        var free = new Resources(4, 8000, 32_000);
        Assert.True(free.Fits(new Resources(4, 8000, 32_000)));
        Assert.False(free.Fits(new Resources(5, 1, 1)));
        Assert.False(free.Fits(new Resources(1, 8001, 1)));
        Assert.False(free.Fits(new Resources(1, 1, 32_001)));
    }
}
