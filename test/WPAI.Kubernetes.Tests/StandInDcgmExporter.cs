using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace WPAI.Kubernetes.Tests;

/// <summary>
/// A STAND-IN for an NVIDIA DCGM exporter (no GPU here): a real HTTP endpoint serving <c>/metrics</c> from
/// <c>StandIn/dcgm-exporter-metrics.txt</c>, text written in the exporter's format (its default counters, its labels with
/// the Kubernetes pod mapping on) for one 8-GPU A100 node: four GPUs held by the test's pod <c>wpai-tpl-1-1</c>, two by a
/// pod of another namespace, two idle; plus the lines a test adds (<see cref="AddPodGpu"/>). Not recorded from a GPU.
/// </summary>
public sealed class StandInDcgmExporter : IAsyncDisposable
{
    private readonly List<string> _extra = [];
    private WebApplication? _app;

    public Uri MetricsUrl { get; private set; } = null!;

    public async Task StartAsync()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "StandIn", "dcgm-exporter-metrics.txt"));
        (_app, var url) = await LoopbackWebApp.StartAsync(app => app.MapGet("/metrics", () =>
        {
            lock (_extra)
            {
                return Results.Text(text + string.Join(string.Empty, _extra), "text/plain; version=0.0.4; charset=utf-8");
            }
        }));
        MetricsUrl = new Uri(url, "/metrics");
    }

    /// <summary>Adds one GPU (of a second node) held by <paramref name="pod"/>, at <paramref name="utilizationPercent"/>.</summary>
    public void AddPodGpu(string ns, string pod, int gpu, int utilizationPercent)
    {
        var labels = $"gpu=\"{gpu}\",UUID=\"GPU-5b0e7d41-0000-4000-8000-00000000000{gpu}\",device=\"nvidia{gpu}\",modelName=\"NVIDIA A100-SXM4-80GB\",Hostname=\"gpu-2\",container=\"model-server\",namespace=\"{ns}\",pod=\"{pod}\"";
        lock (_extra)
        {
            _extra.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"DCGM_FI_DEV_GPU_UTIL{{{labels}}} {utilizationPercent}\nDCGM_FI_DEV_FB_USED{{{labels}}} 9000\nDCGM_FI_DEV_FB_FREE{{{labels}}} 72050\n"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
