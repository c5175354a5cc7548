using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Grains;
using WPAI.Client;
using WPAI.Silo.Hosting;

namespace WPAI.Console.Tests;

/// <summary>
/// A real WPAI silo in this process, built as <c>dotnet run --project src/Silo</c> builds it (in-memory storage, the
/// simulated driver at real time so that placed jobs keep running), on free loopback ports and a private cluster id.
/// The tests drive it through the silo's own <see cref="IWpaiClient"/> and read it over HTTP like a visitor would.
/// </summary>
public class ConsoleSilo : IAsyncLifetime
{
    private WebApplication? _app;

    /// <summary>The console's and metrics' base address (the silo's HTTP port).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public IWpaiClient Client => App.Services.GetRequiredService<IWpaiClient>();

    public IGrainFactory Grains => App.Services.GetRequiredService<IGrainFactory>();

    private WebApplication App => _app ?? throw new InvalidOperationException("the silo is not started");

    /// <summary>Extra silo switches (e.g. dashboard credentials).</summary>
    protected virtual IEnumerable<string> ExtraArgs => [];

    public async Task InitializeAsync()
    {
        var ports = FreePorts.Take(3);
        string[] args =
        [
            "--silo-port", ports[0].ToString(CultureInfo.InvariantCulture),
            "--gateway-port", ports[1].ToString(CultureInfo.InvariantCulture),
            "--dashboard-port", ports[2].ToString(CultureInfo.InvariantCulture),
            "--cluster-id", "console-" + Guid.NewGuid().ToString("N")[..8],
            "--storage", "memory",
            .. ExtraArgs,
        ];
        _app = WpaiHost.Build(args, builder => builder.Logging.ClearProviders());
        await _app.StartAsync();
        BaseAddress = new Uri($"http://127.0.0.1:{ports[2]}");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>A fresh name for a pool, department or job, so that tests sharing the silo never see each other's.</summary>
    public static string Fresh(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..6];

    public Task<NodeView> AddNodeAsync(string name, string pool, int gpus, NodeMode mode = NodeMode.Fixed) =>
        Client.AddNodeAsync(new NodeSpec(name, pool, gpus, 32_000, 256 * 1024), mode);

    public Task<SubmitResult> SubmitAsync(string jobId, string department, int gpus, params string[] pools) =>
        Client.SubmitJobAsync(new JobSpec(jobId, department, [.. pools], gpus, 4_000, 16 * 1024, TimeSpan.FromHours(2)));

    /// <summary>A fresh pool of one node with <paramref name="gpus"/> GPUs, and a fresh department whose quota is all of them.</summary>
    public async Task<(string Pool, string Department)> OwnedPoolAsync(string prefix, int gpus)
    {
        var (pool, department) = (Fresh(prefix), Fresh("d"));
        await AddNodeAsync(Fresh("n"), pool, gpus);
        await Client.SetQuotaAsync(department, new Dictionary<string, int> { [pool] = gpus });
        return (pool, department);
    }

    /// <summary>Submits a job and runs its pool's passes until it runs.</summary>
    public async Task<JobView> StartAsync(string jobId, string department, int gpus, string pool)
    {
        await SubmitAsync(jobId, department, gpus, pool);
        return await PassUntilAsync(pool, jobId, j => j.Status == JobStatus.Running);
    }

    /// <summary>
    /// Runs scheduling passes of <paramref name="pool"/> until <paramref name="done"/> holds for the job (a pass is a
    /// barrier: when it returns, its placements and preemptions are carried out). Bounded in count, never in time.
    /// </summary>
    public async Task<JobView> PassUntilAsync(string pool, string jobId, Func<JobView, bool> done)
    {
        for (var i = 0; i < 200; i++)
        {
            await Grains.GetGrain<IPoolSchedulerGrain>(pool).RunPassAsync();
            var job = await Client.GetJobAsync(jobId);
            if (done(job))
            {
                return job;
            }

            await Task.Yield();
        }

        throw new InvalidOperationException($"job {jobId} did not reach the expected state after 200 passes of pool {pool}");
    }
}
