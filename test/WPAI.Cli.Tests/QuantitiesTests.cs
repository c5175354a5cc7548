using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Tests;

public sealed class QuantitiesTests
{
    [Theory]
    [InlineData("8", 8000)]
    [InlineData("0.5", 500)]
    [InlineData("500m", 500)]
    [InlineData("1.25", 1250)]
    public void ParseCpuMilli_AcceptsCoresAndMillicores(string text, int expected) =>
        Assert.Equal(expected, Quantities.ParseCpuMilli(text));

    [Theory]
    [InlineData("32Gi", 32768)]
    [InlineData("32G", 32768)]
    [InlineData("512Mi", 512)]
    [InlineData("2048", 2048)]
    [InlineData("1Ti", 1048576)]
    [InlineData("1.5GiB", 1536)]
    public void ParseMemoryMib_AcceptsUnits(string text, long expected) =>
        Assert.Equal(expected, Quantities.ParseMemoryMib(text));

    [Theory]
    [InlineData("0.0005")]
    [InlineData("1.5m")]
    [InlineData("-2")]
    public void ParseCpuMilli_RejectsFractionsOfAMillicoreAndNegatives(string text)
    {
        var error = Assert.Throws<WpaiValidationException>(() => Quantities.ParseCpuMilli(text));
        Assert.Equal("--cpu", error.Field);
    }

    [Fact]
    public void ParseFraction_RejectsAboveOne()
    {
        var error = Assert.Throws<WpaiValidationException>(() => Quantities.ParseFraction("1.2", "--gpu-util"));
        Assert.Equal("--gpu-util: '1.2' is not a fraction from 0 to 1. Write e.g. --gpu-util 0.4", error.Message);
    }

    [Fact]
    public void Kebab_SplitsWords() => Assert.Equal("offline-normal", Quantities.Kebab("OfflineNormal"));
}
