using WPAI.Domain.Common;

namespace WPAI.Domain.Tests.Common;

public sealed class PercentileTests
{
    private static readonly double[] Ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

    [Fact]
    public void NearestRank_IsTheCeilingRankValue()
    {
        Assert.Equal(5, Percentile.NearestRank(Ten, 0.5));
        Assert.Equal(10, Percentile.NearestRank(Ten, 0.99));
        Assert.Equal(1, Percentile.NearestRank(Ten, 0));
        Assert.Equal(10, Percentile.NearestRank(Ten, 1));
    }

    [Fact]
    public void Interpolated_IsLinearBetweenRanks()
    {
        Assert.Equal(5.5, Percentile.Interpolated(Ten, 0.5), 9);
        Assert.Equal(9.1, Percentile.Interpolated(Ten, 0.9), 9);
        Assert.Equal(1, Percentile.Interpolated(Ten, 0));
        Assert.Equal(10, Percentile.Interpolated(Ten, 1));
    }

    [Fact]
    public void BothRules_AnswerZero_ForNoValues()
    {
        Assert.Equal(0, Percentile.NearestRank([], 0.5));
        Assert.Equal(0, Percentile.Interpolated([], 0.5));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void BothRules_RejectAFractionOutsideZeroToOne(double p)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentile.NearestRank(Ten, p));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentile.Interpolated(Ten, p));
    }
}
