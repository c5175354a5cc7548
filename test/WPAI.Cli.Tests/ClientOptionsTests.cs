using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WPAI.Client;

namespace WPAI.Cli.Tests;

public sealed class ClientOptionsTests
{
    [Fact]
    public void Defaults_AreValid_AndPointAtTheLocalSilo()
    {
        var options = new WpaiClientOptions();

        var result = new WpaiClientOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded);
        Assert.Equal(["127.0.0.1:30000"], options.EffectiveGateways);
        Assert.Equal("wpai-local", options.ClusterId);
    }

    [Theory]
    [InlineData("127.0.0.1:30000", "127.0.0.1", 30000)]
    [InlineData("localhost:31000", "127.0.0.1", 31000)]
    [InlineData("LOCALHOST", "127.0.0.1", 30000)]
    [InlineData("[::1]:30005", "::1", 30005)]
    [InlineData(" 10.1.2.3:1 ", "10.1.2.3", 1)]
    public void GatewayEndpoint_Parses(string text, string address, int port)
    {
        Assert.True(GatewayEndpoint.TryParse(text, out var endpoint, out var error), error);
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), endpoint);
    }

    [Theory]
    [InlineData("", "gateway is empty; write host:port, e.g. 127.0.0.1:30000")]
    [InlineData("127.0.0.1:0", "gateway '127.0.0.1:0' has port '0', which is not a number from 1 to 65535; write host:port, e.g. 127.0.0.1:30000")]
    [InlineData("127.0.0.1:70000", "gateway '127.0.0.1:70000' has port '70000', which is not a number from 1 to 65535; write host:port, e.g. 127.0.0.1:30000")]
    [InlineData(":30000", "gateway ':30000' has no host; write host:port, e.g. 127.0.0.1:30000")]
    [InlineData("::1", "gateway '::1' looks like a bare IPv6 address; write it in brackets with a port, e.g. [::1]:30000")]
    [InlineData("[::1:30000", "gateway '[::1:30000' opens '[' without closing ']'; write an IPv6 gateway as [::1]:30000")]
    public void GatewayEndpoint_RejectsWithReasonAndFix(string text, string expected)
    {
        Assert.False(GatewayEndpoint.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Validator_ReportsEveryBadSetting()
    {
        var options = new WpaiClientOptions { ClusterId = " ", MaxConcurrentCalls = 0, ConnectTimeout = TimeSpan.Zero, ResponseTimeout = TimeSpan.FromSeconds(-1), ConnectRetries = -1 };
        options.Gateways.Add("127.0.0.1:30000");
        options.Gateways.Add("host:port");

        var result = new WpaiClientOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(
            [
                "Gateways[1]: gateway 'host:port' has port 'port', which is not a number from 1 to 65535; write host:port, e.g. 127.0.0.1:30000",
                "ClusterId: is empty; leave it unset for the local cluster ('wpai-local') or give the silos' ClusterId",
                "MaxConcurrentCalls: 0 is outside 1..1024; use e.g. 32",
                "ConnectTimeout: 00:00:00 is not positive; use e.g. 00:00:10",
                "ConnectRetries: -1 is outside 0..10000; use 0 to fail at once",
                "ResponseTimeout: -00:00:01 is not positive; use e.g. 00:00:30",
            ],
            result.Failures);
    }

    [Fact]
    public void AddWpaiClient_RejectsBadOptions_BeforeAnythingStarts()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<OptionsValidationException>(() => services.AddWpaiClient(o => o.Gateways.Add("nowhere:99999")));

        Assert.Contains("Gateways[0]: gateway 'nowhere:99999' has port '99999'", error.Message, StringComparison.Ordinal);
        Assert.Empty(services);
    }

    [Fact]
    public void AddWpaiClient_OnAHostBuilder_ConfiguresTheOrleansClientAndTheSdk()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings());

        builder.AddWpaiClient(o => o.ClusterId = "prod");
        using var host = builder.Build();

        Assert.IsType<WpaiClient>(host.Services.GetRequiredService<IWpaiClient>());
        Assert.Equal("prod", host.Services.GetRequiredService<IOptions<Orleans.Configuration.ClusterOptions>>().Value.ClusterId);
        Assert.Equal("wpai", host.Services.GetRequiredService<IOptions<Orleans.Configuration.ClusterOptions>>().Value.ServiceId);
    }

    [Fact]
    public void AddWpaiClient_RegistersTheSdkOverAnOrleansClient()
    {
        var services = new ServiceCollection();
        services.AddLogging();

        services.AddWpaiClient(o => o.Gateways.Add("127.0.0.1:30001"));
        using var provider = services.BuildServiceProvider();

        Assert.IsType<WpaiClient>(provider.GetRequiredService<IWpaiClient>());
        Assert.NotNull(provider.GetRequiredService<IClusterClient>());
        Assert.Equal(["127.0.0.1:30001"], provider.GetRequiredService<IOptions<WpaiClientOptions>>().Value.Gateways);
    }
}
