using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using WPAI.Abstractions.Hosting;
using WPAI.Client.Clustering;
using WPAI.Client.Security;

namespace WPAI.Client;

/// <summary>Wires the WPAI client SDK into a service collection or a host.</summary>
public static class WpaiClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds an Orleans client that reaches the cluster through static gateways (default <c>127.0.0.1:30000</c>)
    /// with WPAI's cluster names, and <see cref="IWpaiClient"/> over it. The options are validated now, since the
    /// gateway list is needed to configure the client; a bad value throws <see cref="OptionsValidationException"/>.
    /// </summary>
    public static IServiceCollection AddWpaiClient(this IServiceCollection services, Action<WpaiClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = Resolve(configure);
        services.AddOrleansClient(client => ConfigureOrleansClient(client, options));
        return services.AddWpaiClientSdk(configure);
    }

    /// <summary>The same as <see cref="AddWpaiClient(IServiceCollection, Action{WpaiClientOptions}?)"/> through <c>UseOrleansClient</c> on a host builder.</summary>
    public static IHostApplicationBuilder AddWpaiClient(this IHostApplicationBuilder builder, Action<WpaiClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = Resolve(configure);
        builder.UseOrleansClient(client => ConfigureOrleansClient(client, options));
        builder.Services.AddWpaiClientSdk(configure);
        return builder;
    }

    /// <summary>
    /// Registers only <see cref="IWpaiClient"/>, over the <see cref="IGrainFactory"/> already in the container
    /// (a silo host, or a host that configured its Orleans client itself).
    /// </summary>
    public static IServiceCollection AddWpaiClientSdk(this IServiceCollection services, Action<WpaiClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var optionsBuilder = services.AddOptions<WpaiClientOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        optionsBuilder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WpaiClientOptions>, WpaiClientOptionsValidator>());
        services.TryAddSingleton<IWpaiClient, WpaiClient>();
        return services;
    }

    private static WpaiClientOptions Resolve(Action<WpaiClientOptions>? configure)
    {
        var options = new WpaiClientOptions();
        configure?.Invoke(options);
        WpaiClientOptionsValidator.ThrowIfInvalid(options);
        return options;
    }

    private static void ConfigureOrleansClient(IClientBuilder client, WpaiClientOptions options)
    {
        if (options.ClusteringConnection is { } connection)
        {
            client.UseWpaiAdoNetClustering(connection);
        }
        else
        {
            client.UseStaticClustering(GatewayEndpoint.ParseAll(options.EffectiveGateways));
        }

        var store = options.ClusteringConnection is { } db ? StorageFailures.Describe(db) : "the cluster's database";
        client.AddOutgoingGrainCallFilter(new StorageFailureCallFilter(store));
        client.Configure<GatewayOptions>(gateways => gateways.GatewayListRefreshPeriod = options.GatewayListRefreshPeriod);
        client.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = WpaiCluster.ServiceId;
        });
        client.Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = options.ResponseTimeout);

        // One socket connection (a TLS handshake included) may take the whole connect budget, not Orleans' 5 s default.
        client.Configure<ConnectionOptions>(connection => connection.OpenConnectionTimeout = options.ConnectTimeout);
        client.UseConnectionRetryFilter(new ConnectRetryFilter(options.ConnectRetries, options.ConnectRetryDelay));
        client.UseWpaiCredentials(options);
    }

    /// <summary>
    /// Applies <see cref="WpaiClientOptions.Tls"/> and <see cref="WpaiClientOptions.Token"/> to an Orleans client that
    /// is configured otherwise (a node agent or a host that builds its own client).
    /// </summary>
    public static IClientBuilder UseWpaiCredentials(this IClientBuilder client, WpaiClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        client.UseWpaiTls(options.Tls);
        if (options.Token is { Length: > 0 } token)
        {
            client.AddOutgoingGrainCallFilter(new CredentialCallFilter(token));
        }

        return client;
    }
}
