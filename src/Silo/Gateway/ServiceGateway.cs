using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Errors;
using WPAI.Abstractions.Grains;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;

namespace WPAI.Silo.Gateway;

/// <summary>
/// The inference gateway: its own Kestrel server in the silo process (<c>--serve-port</c> for REST, optionally
/// <c>--serve-grpc-port</c> for gRPC over HTTP/2), a YARP reverse proxy whose routes follow the services' ready replicas.
/// Route changes are pushed: a service grain whose routable replicas changed tells <see cref="IServiceRoutesGrain"/>,
/// which tells this gateway (an observer), and the routes are rebuilt at once; every
/// <see cref="ServiceGatewayOptions.RefreshInterval"/> they are rebuilt anyway and the subscription renewed (a safety
/// net). A draining replica leaves the routes at once, so it gets no new requests while in-flight ones finish. A request
/// a failed replica could not answer is sent to another (<see cref="ReplicaRetryHandler"/>).
/// </summary>
public sealed partial class ServiceGateway(IGrainFactory grains, IOptions<ServiceGatewayOptions> options, ILogger<ServiceGateway> logger) : BackgroundService
{
    /// <summary>How soon a failed refresh (the silo still starting) is tried again.</summary>
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    private ServiceGatewayOptions O => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(Endpoint(O.Port), l => l.Protocols = HttpProtocols.Http1);
            if (O.GrpcPort > 0)
            {
                k.Listen(Endpoint(O.GrpcPort), l => l.Protocols = HttpProtocols.Http2);
            }
        });
        builder.Logging.ClearProviders();
        builder.Services.AddReverseProxy().LoadFromMemory([], []);
        builder.Services.AddSingleton<IPassiveHealthCheckPolicy>(sp => new ReplicaFailurePolicy(sp.GetRequiredService<IDestinationHealthUpdater>(), O.FailedReplicaQuarantine));
        await using var app = builder.Build();
        var retry = new ReplicaRetryHandler(O, logger);
        app.Use((context, next) => GrpcModelHeader.InvokeAsync(context, () => next(context), O.RetryBufferBytes));
        app.UseRouting();
        app.MapReverseProxy(pipeline =>
        {
            pipeline.Use((context, next) => retry.InvokeAsync(context, () => next(context)));
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });
        var proxy = app.Services.GetRequiredService<InMemoryConfigProvider>();
        await app.StartAsync(stoppingToken);
        LogListening(logger, O.Url, O.GrpcUrl ?? "none");

        // Pushed changes arrive on the observer; one pending signal is enough (each refresh reads every service).
        var changes = Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var observer = new RoutesObserver(changes.Writer);
        var reference = grains.CreateObjectReference<IServiceRoutesObserver>(observer);
        var hub = grains.GetGrain<IServiceRoutesGrain>(WpaiCluster.FleetKey);
        var signature = string.Empty;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = O.RefreshInterval;
                try
                {
                    await hub.SubscribeAsync(reference);
                    var services = await ServicesAsync();
                    var next = ServiceRoutes.Signature(services);
                    if (!string.Equals(next, signature, StringComparison.Ordinal))
                    {
                        var (routes, clusters) = ServiceRoutes.Build(services, O);
                        proxy.Update(routes, clusters);
                        signature = next;
                        LogRoutes(logger, services.Count, services.Sum(s => s.Replicas.Count(r => r.Routable)));
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                {
                    LogRefreshFailed(logger, ex.GetType().Name, ex.Message);
                    wait = RetryAfterFailure;
                }

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(wait);
                try
                {
                    await changes.Reader.ReadAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // the safety-net period passed without a pushed change
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
        finally
        {
            GC.KeepAlive(observer);
        }

        try
        {
            await hub.UnsubscribeAsync(reference);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogRefreshFailed(logger, ex.GetType().Name, ex.Message); // the silo is stopping; the subscription expires
        }

        grains.DeleteObjectReference<IServiceRoutesObserver>(reference);
        await app.StopAsync(CancellationToken.None);
    }

    private System.Net.IPEndPoint Endpoint(int port) =>
        new(O.Host == "localhost" ? System.Net.IPAddress.Loopback : System.Net.IPAddress.Parse(O.Host.Trim('[', ']')), port);

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Inference gateway listening on {Url} (gRPC: {GrpcUrl})")]
    private static partial void LogListening(ILogger logger, string url, string grpcUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inference gateway routes: {Services} services, {Replicas} ready replicas")]
    private static partial void LogRoutes(ILogger logger, int services, int replicas);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inference gateway could not refresh its routes ({Type}: {Message}); keeping the old ones")]
    private static partial void LogRefreshFailed(ILogger logger, string type, string message);

    /// <summary>The gateway's observer: a pushed change wakes the refresh loop.</summary>
    private sealed class RoutesObserver(ChannelWriter<string> changes) : IServiceRoutesObserver
    {
        public Task RoutesChangedAsync(string service)
        {
            changes.TryWrite(service);
            return Task.CompletedTask;
        }
    }
}
