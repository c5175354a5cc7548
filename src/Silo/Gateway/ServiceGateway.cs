using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Errors;
using WPAI.Abstractions.Grains;
using Yarp.ReverseProxy.Configuration;

namespace WPAI.Silo.Gateway;

/// <summary>
/// The inference gateway: its own Kestrel server in the silo process (<c>--serve-port</c>), a YARP reverse proxy whose
/// routes follow the services' ready replicas (rebuilt every <see cref="ServiceGatewayOptions.RefreshInterval"/> when
/// they change). A draining replica leaves the routes at once, so it gets no new requests while in-flight ones finish.
/// </summary>
public sealed partial class ServiceGateway(IGrainFactory grains, IOptions<ServiceGatewayOptions> options, ILogger<ServiceGateway> logger) : BackgroundService
{
    private ServiceGatewayOptions O => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(O.Url);
        builder.Logging.ClearProviders();
        builder.Services.AddReverseProxy().LoadFromMemory([], []);
        await using var app = builder.Build();
        app.MapReverseProxy();
        var proxy = app.Services.GetRequiredService<InMemoryConfigProvider>();
        await app.StartAsync(stoppingToken);
        LogListening(logger, O.Url);
        var signature = string.Empty;
        using var timer = new PeriodicTimer(O.RefreshInterval);
        try
        {
            do
            {
                try
                {
                    var services = await ServicesAsync();
                    var next = ServiceRoutes.Signature(services);
                    if (!string.Equals(next, signature, StringComparison.Ordinal))
                    {
                        var (routes, clusters) = ServiceRoutes.Build(services, O.HealthCheckInterval);
                        proxy.Update(routes, clusters);
                        signature = next;
                        LogRoutes(logger, services.Count, services.Sum(s => s.Replicas.Count(r => r.Routable)));
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                {
                    LogRefreshFailed(logger, ex.GetType().Name, ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }

        await app.StopAsync(CancellationToken.None);
    }

    private async Task<List<InferenceServiceView>> ServicesAsync()
    {
        var fleet = await grains.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).GetAsync();
        var views = new List<InferenceServiceView>();
        foreach (var name in fleet.Services.IsDefault ? [] : fleet.Services)
        {
            try
            {
                views.Add(await grains.GetGrain<IInferenceServiceGrain>(name).GetAsync());
            }
            catch (WpaiNotFoundException)
            {
                // deleted meanwhile
            }
        }

        return views;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inference gateway listening on {Url}")]
    private static partial void LogListening(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inference gateway routes: {Services} services, {Replicas} ready replicas")]
    private static partial void LogRoutes(ILogger logger, int services, int replicas);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inference gateway could not refresh its routes ({Type}: {Message}); keeping the old ones")]
    private static partial void LogRefreshFailed(ILogger logger, string type, string message);
}
