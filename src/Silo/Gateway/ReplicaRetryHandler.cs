using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace WPAI.Silo.Gateway;

/// <summary>
/// A step of the gateway's proxy pipeline, before load balancing: forwards the request and, when the replica failed in a
/// way <see cref="ReplicaRetry"/> allows, forwards it again to another replica of the service not tried yet (the
/// healthy ones first), at most <see cref="ServiceGatewayOptions.MaxAttempts"/> times in all. Inferences have their body
/// buffered (in memory up to 1 MiB, then in a temporary file) so that it can be sent again.
/// </summary>
public sealed partial class ReplicaRetryHandler(ServiceGatewayOptions options, ILogger logger)
{
    private const int InMemoryBodyBytes = 1 << 20;

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var request = context.Request;
        var buffered = ReplicaRetry.IsIdempotentInference(request, options.RetryBufferBytes);
        if (buffered)
        {
            request.EnableBuffering(InMemoryBodyBytes, options.RetryBufferBytes);
        }

        var replayable = buffered || ReplicaRetry.HasNoBody(request);
        var proxy = context.GetReverseProxyFeature();
        var cluster = context.GetRouteModel().Cluster;
        var tried = new HashSet<DestinationState>();
        for (var attempt = 1; ; attempt++)
        {
            await next();
            var error = context.GetForwarderErrorFeature();
            if (error is null || proxy.ProxiedDestination is not { } failed)
            {
                return;
            }

            tried.Add(failed);
            if (attempt >= options.MaxAttempts || !ReplicaRetry.ShouldRetry(error.Error, error.Exception, context.Response.HasStarted, replayable))
            {
                LogGaveUp(logger, request.Method, request.Path.Value ?? string.Empty, failed.DestinationId, error.Error.ToString(), attempt, error.Exception?.Message ?? string.Empty);
                return;
            }

            var healthy = (cluster?.DestinationsState.AvailableDestinations ?? []).Where(d => !tried.Contains(d)).ToList();
            var others = healthy.Count > 0 ? healthy : proxy.AllDestinations.Where(d => !tried.Contains(d)).ToList();
            if (others.Count == 0)
            {
                LogGaveUp(logger, request.Method, request.Path.Value ?? string.Empty, failed.DestinationId, error.Error.ToString(), attempt, "no other replica");
                return;
            }

            LogRetry(logger, request.Method, request.Path.Value ?? string.Empty, failed.DestinationId, error.Error.ToString(), error.Exception?.Message ?? string.Empty);
            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.Clear();
            if (buffered)
            {
                request.Body.Position = 0;
            }

            proxy.AvailableDestinations = others;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway: {Method} {Path} failed on replica {Replica} ({Error}: {Reason}); sending it to another replica")]
    private static partial void LogRetry(ILogger logger, string method, string path, string replica, string error, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway: {Method} {Path} failed on replica {Replica} ({Error}) after {Attempts} attempts: {Reason}")]
    private static partial void LogGaveUp(ILogger logger, string method, string path, string replica, string error, int attempts, string reason);
}
