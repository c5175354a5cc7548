using WPAI.Abstractions.Errors;
using WPAI.Domain.Text;

namespace WPAI.Domain.Tests.Text;

/// <summary>The one duration grammar (moved from the CLI's QuantitiesTests, which held the CLI's copy).</summary>
public sealed class DurationTextTests
{
    [Theory]
    [InlineData("2h", 120)]
    [InlineData("90m", 90)]
    [InlineData("1h30m", 90)]
    [InlineData("1d", 1440)]
    [InlineData("01:30:00", 90)]
    public void ParseDuration_AcceptsShortForms(string text, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), DurationText.Parse(text, "--duration"));

    [Fact]
    public void ParseDuration_SecondsWork() => Assert.Equal(TimeSpan.FromSeconds(45), DurationText.Parse("45s", "--duration"));

    [Theory]
    [InlineData("0h")]
    [InlineData("-5m")]
    [InlineData("00:00:00")]
    public void ParseDuration_RejectsNonPositive(string text)
    {
        var error = Assert.Throws<WpaiValidationException>(() => DurationText.Parse(text, "--duration"));
        Assert.Equal("--duration", error.Field);
    }

    [Theory]
    [InlineData("7d", 7 * 24 * 60 * 60)]
    [InlineData("1.5h", 90 * 60)]
    [InlineData("1d12h", 36 * 60 * 60)]
    [InlineData("2H30M15S", (2 * 3600) + (30 * 60) + 15)]
    [InlineData(" 30m ", 30 * 60)]
    [InlineData("1.00:00:00", 24 * 60 * 60)]
    [InlineData("00:00:00.500", 0.5)]
    public void Parse_EveryUnitDecimalsAndTimeSpans(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), DurationText.Parse(text, "--x"));

    [Theory]
    [InlineData("0")]
    [InlineData("0s")]
    [InlineData("0m")]
    [InlineData("00:00:00")]
    public void Parse_Zero_OnlyWhereAllowed(string text)
    {
        Assert.Equal(TimeSpan.Zero, DurationText.Parse(text, "--drain", allowZero: true));
        var error = Assert.Throws<WpaiValidationException>(() => DurationText.Parse(text, "--tick"));
        Assert.Equal($"--tick: '{text}' is not a positive duration. Write e.g. 2h, 90m or 1h30m", error.Message);
    }

    [Theory]
    [InlineData("60")]
    [InlineData("soon")]
    [InlineData("1m30h")]
    [InlineData("h")]
    [InlineData("1w")]
    [InlineData("5 m")]
    public void Parse_NotADuration_SaysHowToWriteOne(string text)
    {
        var error = Assert.Throws<WpaiValidationException>(() => DurationText.Parse(text, "--max-duration"));
        Assert.Equal($"--max-duration: '{text}' is not a duration. Write e.g. 2h, 90m, 1h30m, 45s or 01:30:00", error.Message);
    }

    [Fact]
    public void Parse_Missing_SaysItIsRequired()
    {
        var error = Assert.Throws<WpaiValidationException>(() => DurationText.Parse(" ", "--duration"));
        Assert.Equal("--duration: is required. Add e.g. --duration 2h", error.Message);
    }

    [Fact]
    public void Parse_NegativeWhereZeroIsAllowed_IsRejected()
    {
        var error = Assert.Throws<WpaiValidationException>(() => DurationText.Parse("-00:05:00", "--min-dwell", allowZero: true));
        Assert.Equal("--min-dwell: '-00:05:00' is negative. Write 0 or e.g. 2h, 90m or 1h30m", error.Message);
    }
}
