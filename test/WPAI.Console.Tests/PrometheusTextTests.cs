namespace WPAI.Console.Tests;

/// <summary>The strict parser refuses what the exposition format does not allow (so the metrics test can fail).</summary>
public sealed class PrometheusTextTests
{
    [Fact]
    public void Parse_WellFormedText_ReadsValuesAndTypes()
    {
        var text = PrometheusText.Parse("""
            # HELP a_total A counter.
            # TYPE a_total counter
            a_total{pool="T4",tier="own"} 3
            # TYPE h_seconds histogram
            h_seconds_bucket{le="0.1"} 1
            h_seconds_bucket{le="+Inf"} 2
            h_seconds_sum 0.3
            h_seconds_count 2

            """.Replace("\r", "", StringComparison.Ordinal));
        Assert.Equal(3, text.Value("a_total", ("pool", "T4"), ("tier", "own")));
        Assert.Equal("histogram", text.TypeOf["h_seconds"]);
    }

    [Theory]
    [InlineData("a 1\na 2\n")] // duplicate series
    [InlineData("a{x=\"1\"} one\n")] // not a number
    [InlineData("a{x=1} 1\n")] // unquoted label value
    [InlineData("# TYPE a counter\na 1\nb 1\na 2\n")] // a family's samples split
    [InlineData("# TYPE a counter\na -1\n")] // negative counter
    [InlineData("# TYPE a counter\n# TYPE a gauge\na 1\n")] // TYPE twice
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n")] // buckets not cumulative
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 3\n")] // +Inf bucket differs from _count
    [InlineData("# TYPE a counter\na_bucket 1\n")] // a sample that does not belong to its family
    public void Parse_MalformedText_Throws(string text) => Assert.Throws<FormatException>(() => PrometheusText.Parse(text));
}
