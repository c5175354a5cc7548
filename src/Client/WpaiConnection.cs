using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace WPAI.Client;

/// <summary>
/// A started, self-contained client for tools and scripts: <c>await using var c = await WpaiConnection.ConnectAsync(o)</c>.
/// Connecting fails with <see cref="WpaiConnectionException"/> when no silo answers within the connect timeout.
/// </summary>
public sealed class WpaiConnection : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    private readonly IHost _host;

    private WpaiConnection(IHost host)
    {
        _host = host;
        Client = host.Services.GetRequiredService<IWpaiClient>();
        ClusterClient = host.Services.GetRequiredService<IClusterClient>();
    }

    public IWpaiClient Client { get; }

    /// <summary>The underlying Orleans client, for calls the SDK does not wrap.</summary>
    public IClusterClient ClusterClient { get; }

    /// <summary>Validates the options (throws <see cref="OptionsValidationException"/>), then connects.</summary>
    public static async Task<WpaiConnection> ConnectAsync(WpaiClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        WpaiClientOptionsValidator.ThrowIfInvalid(options);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddWpaiClient(options.CopyTo);
        var host = builder.Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            await host.StartAsync(timeout.Token);
            return new WpaiConnection(host);
        }
        catch (Exception ex) when (ex is not OptionsValidationException && !cancellationToken.IsCancellationRequested)
        {
            await StopQuietlyAsync(host);
            throw new WpaiConnectionException(Targets(options), ex);
        }
    }

    private static IReadOnlyList<string> Targets(WpaiClientOptions options)
    {
        if (options.ClusteringConnection is not { } connection)
        {
            return options.EffectiveGateways;
        }

        var target = new Npgsql.NpgsqlConnectionStringBuilder(connection);
        return [$"the gateways listed in the membership table of PostgreSQL database '{target.Database}' at {target.Host}:{target.Port}"];
    }

    public async ValueTask DisposeAsync() => await StopQuietlyAsync(_host);

    private static async Task StopQuietlyAsync(IHost host)
    {
        using var stop = new CancellationTokenSource(StopTimeout);
        try
        {
            await host.StopAsync(stop.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException || WpaiConnectionException.IsConnectionFailure(ex))
        {
            // The cluster is gone or slow to say goodbye; nothing is left to release but the host itself.
        }
        finally
        {
            host.Dispose();
        }
    }
}
