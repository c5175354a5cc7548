using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace WPAI.Kubernetes.Tests;

/// <summary>
/// A STAND-IN for an NVIDIA DCGM exporter (no GPU here): a real HTTP endpoint serving <c>/metrics</c> from
/// <c>StandIn/dcgm-exporter-metrics.txt</c>, text written in the exporter's format (its default counters, its labels with
/// the Kubernetes pod mapping on) for one 8-GPU A100 node: four GPUs held by the test's pod <c>wpai-tpl-1-1</c>, two by a
/// pod of another namespace, two idle. Not recorded from a GPU.
/// </summary>
public sealed class StandInDcgmExporter : IAsyncDisposable
{
    private WebApplication? _app;

    public Uri MetricsUrl { get; private set; } = null!;

    public async Task StartAsync()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "StandIn", "dcgm-exporter-metrics.txt"));
        (_app, var url) = await LoopbackWebApp.StartAsync(app => app.MapGet("/metrics", () => Results.Text(text, "text/plain; version=0.0.4; charset=utf-8")));
        MetricsUrl = new Uri(url, "/metrics");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
