using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using WPAI.Grains.Inference;

namespace WPAI.Grains.Tests.Inference;

/// <summary><c>Wpai:Inference:Provisioning</c> as an operator writes it, through <see cref="InferenceServiceCollectionExtensions.AddWpaiInference"/>.</summary>
public sealed class InferenceScalingOptionsTests
{
    private static InferenceScalingOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddWpaiInference().BuildServiceProvider();
        return provider.GetRequiredService<IOptions<InferenceScalingOptions>>().Value;
    }

    [Fact]
    public void Provisioning_BindsTheTrendLookAheadAndTheReactiveUtilization()
    {
        var options = Bind(
            ("Wpai:Inference:Provisioning:KpaReactive", "true"),
            ("Wpai:Inference:Provisioning:TrendLookAhead", "00:01:00"),
            ("Wpai:Inference:Provisioning:ReactiveUtilization", "0.8"));
        Assert.True(options.Provisioning.KpaReactive);
        Assert.Equal(TimeSpan.FromMinutes(1), options.Provisioning.TrendLookAhead);
        Assert.Equal(0.8, options.Provisioning.ReactiveUtilization);
        Assert.Null(Bind().Provisioning.TrendLookAhead); // off by default
    }

    [Fact]
    public void Provisioning_ANonPositiveTrendLookAhead_IsAClearError()
    {
        var e = Assert.Throws<WpaiValidationException>(() => Bind(("Wpai:Inference:Provisioning:TrendLookAhead", "00:00:00")));
        Assert.Equal("Wpai:Inference:Provisioning", e.Field);
        Assert.Contains("TrendLookAhead", e.Message, StringComparison.Ordinal);
    }
}
