using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace WPAI.Kubernetes.Tests;

/// <summary>
/// A STAND-IN for a replica's model server at the pod IP the stand-in kubelet reports (127.0.0.1): <c>/v2/health/ready</c>
/// and <c>/metrics</c> with the cumulative Triton counters the real model server (src/Inference) exports, set by the test.
/// </summary>
public sealed class StandInModelServer : IAsyncDisposable
{
    private WebApplication? _app;

    public int Port { get; private set; }

    public long Success { get; set; }

    public long Failure { get; set; }

    public long DurationUs { get; set; }

    public async Task StartAsync()
    {
        (_app, var url) = await LoopbackWebApp.StartAsync(app =>
        {
            app.MapGet("/v2/health/ready", () => Results.Ok());
            app.MapGet("/metrics", () => Results.Text(Exposition(), "text/plain; version=0.0.4"));
        });
        Port = url.Port;
    }

    private string Exposition() => string.Create(CultureInfo.InvariantCulture, $$"""
            # HELP nv_inference_request_success Number of successful inference requests, all batch sizes
            # TYPE nv_inference_request_success counter
            nv_inference_request_success{model="bert",version="1"} {{Success}}
            # TYPE nv_inference_request_failure counter
            nv_inference_request_failure{model="bert",version="1"} {{Failure}}
            # TYPE nv_inference_request_duration_us counter
            nv_inference_request_duration_us{model="bert",version="1"} {{DurationUs}}
            nv_inference_request_duration_us_other 99

            """);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
