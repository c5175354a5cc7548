using WPAI.Abstractions.Contracts;

namespace WPAI.Console.Tests;

/// <summary>
/// Scrapes the silo's <c>/metrics</c> after a known sequence of submits, placements, a preemption and a fallback, parses
/// the text strictly (<see cref="PrometheusText"/>) and checks the values. Every test uses its own pools and
/// departments, so the series it checks are its own.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class MetricsTests(ConsoleSilo silo)
{
    [Fact]
    public async Task Metrics_AfterPlacementsPreemptionAndFallback_ReportExactCountsAndState()
    {
        var pool = ConsoleSilo.Fresh("M");
        var spare = ConsoleSilo.Fresh("S");
        var (owner, borrower) = (ConsoleSilo.Fresh("own"), ConsoleSilo.Fresh("bor"));
        await silo.AddNodeAsync(ConsoleSilo.Fresh("n"), pool, 4);
        await silo.AddNodeAsync(ConsoleSilo.Fresh("n"), spare, 2);
        await silo.Client.SetQuotaAsync(owner, new Dictionary<string, int> { [pool] = 4 });
        await silo.Client.SetQuotaAsync(borrower, new Dictionary<string, int> { [pool] = 0, [spare] = 0 });

        // 1. A borrower's job takes the whole pool on borrowed capacity.
        var borrowed = ConsoleSilo.Fresh("b");
        await silo.SubmitAsync(borrowed, borrower, 4, pool);
        await silo.PassUntilAsync(pool, borrowed, j => j.Status == JobStatus.Running);

        // 2. The owner's job needs its own quota back: it preempts the borrowed job, which waits again.
        var own = ConsoleSilo.Fresh("o");
        await silo.SubmitAsync(own, owner, 4, pool);
        await silo.PassUntilAsync(pool, own, j => j.Status == JobStatus.Running);
        Assert.Equal(own, (await silo.Client.GetJobAsync(borrowed)).PreemptedBy);

        // 3. A job that accepts both models cannot get the full first one and falls back to the second.
        var fallback = ConsoleSilo.Fresh("f");
        await silo.SubmitAsync(fallback, borrower, 2, pool, spare);
        await silo.Grains.GetGrain<Abstractions.Grains.IPoolSchedulerGrain>(pool).RunPassAsync(); // offers it to the spare pool
        var placed = await silo.PassUntilAsync(spare, fallback, j => j.Status == JobStatus.Running);
        Assert.Equal(spare, placed.Placement!.Pool);

        var metrics = await ScrapeAsync();

        Assert.Equal("counter", metrics.TypeOf["wpai_placements_total"]);
        Assert.Equal(1, metrics.Value("wpai_placements_total", ("pool", pool), ("tier", "borrowed")));
        Assert.Equal(1, metrics.Value("wpai_placements_total", ("pool", pool), ("tier", "own")));
        Assert.Equal(1, metrics.Value("wpai_placements_total", ("pool", spare), ("tier", "borrowed")));
        Assert.Equal(1, metrics.Value("wpai_preemptions_total", ("pool", pool), ("reason", "quota")));
        Assert.False(metrics.Has("wpai_preemptions_total", ("pool", spare), ("reason", "quota")));
        Assert.Equal(1, metrics.Value("wpai_fallback_placements_total", ("pool", spare)));
        Assert.False(metrics.Has("wpai_fallback_placements_total", ("pool", pool)));

        // State: the preempted job waits in the full pool; the owner holds its quota, the borrower borrows the spare pool.
        Assert.Equal(1, metrics.Value("wpai_queue_jobs", ("pool", pool), ("department", borrower)));
        Assert.True(metrics.Value("wpai_queue_oldest_wait_seconds", ("pool", pool), ("department", borrower)) >= 0);
        Assert.False(metrics.Has("wpai_queue_jobs", ("pool", pool), ("department", owner)));
        Assert.Equal(4, metrics.Value("wpai_allocated_gpus", ("pool", pool), ("department", owner)));
        Assert.Equal(0, metrics.Value("wpai_borrowed_gpus", ("pool", pool), ("department", owner)));
        Assert.Equal(2, metrics.Value("wpai_borrowed_gpus", ("pool", spare), ("department", borrower)));
        Assert.Equal(4, metrics.Value("wpai_quota_gpus", ("pool", pool), ("department", owner)));
        Assert.Equal(4, metrics.Value("wpai_pool_gpus", ("pool", pool)));
        Assert.Equal(0, metrics.Value("wpai_pool_free_gpus", ("pool", pool)));
        Assert.Equal(0, metrics.Value("wpai_pool_free_gpus", ("pool", spare)));
        Assert.Equal(1, metrics.Value("wpai_nodes", ("pool", pool), ("mode", "Fixed")));
        Assert.Equal(1, metrics.Value("wpai_cluster_state_up"));

        // Every pass of the pool was timed (at least the explicit ones above), in a well-formed histogram.
        Assert.Equal("histogram", metrics.TypeOf["wpai_scheduling_pass_duration_seconds"]);
        Assert.True(metrics.Value("wpai_scheduling_pass_duration_seconds_count", ("pool", pool)) >= 3);

        // Orleans' own meters are served alongside.
        Assert.True(metrics.TypeOf.Keys.Any(name => name.StartsWith("microsoft_orleans_", StringComparison.Ordinal)), string.Join(" ", metrics.TypeOf.Keys));
    }

    [Fact]
    public async Task Metrics_WhenAQueueEmpties_DropItsSeries()
    {
        var (pool, department) = await silo.OwnedPoolAsync("Q", 2);
        var second = ConsoleSilo.Fresh("j");
        await silo.StartAsync(ConsoleSilo.Fresh("j"), department, 2, pool);
        await silo.SubmitAsync(second, department, 2, pool);

        var waiting = await ScrapeAsync();
        Assert.Equal(1, waiting.Value("wpai_queue_jobs", ("pool", pool), ("department", department)));

        await silo.Client.CancelJobAsync(second);
        var emptied = await ScrapeAsync();
        Assert.False(emptied.Has("wpai_queue_jobs", ("pool", pool), ("department", department)));
        Assert.Equal(2, emptied.Value("wpai_allocated_gpus", ("pool", pool), ("department", department)));
    }

    [Fact]
    public async Task GrafanaDashboard_QueriesOnlyMetricsTheSiloServes()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "WPAI.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        using var dashboard = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(root.FullName, "deploy", "grafana", "wpai.json")));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();
        Assert.NotEmpty(expressions);

        var pool = ConsoleSilo.Fresh("G");
        await silo.AddNodeAsync(ConsoleSilo.Fresh("n"), pool, 1);
        await silo.Grains.GetGrain<Abstractions.Grains.IPoolSchedulerGrain>(pool).RunPassAsync(); // a pass, so the histogram has a series
        var served = (await ScrapeAsync()).TypeOf;
        var names = expressions.SelectMany(e => System.Text.RegularExpressions.Regex.Matches(e, @"\b(?:wpai|microsoft_orleans)_[a-z0-9_]+").Select(m => m.Value)).Distinct().ToList();
        foreach (var name in names)
        {
            var family = name.EndsWith("_bucket", StringComparison.Ordinal) ? name[..^"_bucket".Length] : name;
            Assert.True(served.ContainsKey(family), $"deploy/grafana/wpai.json queries {name}, which /metrics does not serve");
        }
    }

    [Fact]
    public async Task Metrics_RunningJobsMeasuredUtilization_IsGpuWeightedPerPoolAndDepartment_AndStaleOrUnmeasuredJobsAreLeftOut()
    {
        var (pool, department) = await silo.OwnedPoolAsync("R", 8);
        var (big, small, stale, blind) = (ConsoleSilo.Fresh("big"), ConsoleSilo.Fresh("small"), ConsoleSilo.Fresh("stale"), ConsoleSilo.Fresh("blind"));
        await silo.StartAsync(big, department, 4, pool);
        await silo.StartAsync(small, department, 2, pool);
        await silo.StartAsync(stale, department, 1, pool);
        await silo.StartAsync(blind, department, 1, pool);
        var now = DateTimeOffset.UtcNow;
        await ReportAsync(big, new UsageSample(now.AddMinutes(-20), 0.1, 0.5, 1000), new UsageSample(now, 0.8, 0.5, 1000)); // newest counts
        await ReportAsync(small, new UsageSample(now, 0.2, 0.5, 1000));
        await ReportAsync(stale, new UsageSample(now.AddMinutes(-30), 0.9, 0.5, 1000)); // no sample in the last 5 minutes
        await ReportAsync(blind, new UsageSample(now, double.NaN, 0, 1000)); // no nvidia-smi: not measured, not idle

        var metrics = await ScrapeAsync();

        Assert.Equal(((4 * 0.8) + (2 * 0.2)) / 6, metrics.Value("wpai_running_gpu_utilization_ratio", ("pool", pool), ("department", department)), 6);
        Assert.Equal(6, metrics.Value("wpai_running_measured_gpus", ("pool", pool), ("department", department)));
    }

    private Task ReportAsync(string job, params UsageSample[] samples) =>
        silo.Grains.GetGrain<Abstractions.Grains.IJobGrain>(job).ReportUsageAsync([.. samples]);

    /// <summary>
    /// Scrapes and checks the exposition. prometheus-net writes a histogram's count from one read of its buckets and then
    /// reads the buckets again to write them, without a lock, so an observation landing in between (a grain of another
    /// test of this shared silo writing its state) can make one scrape's count differ from its +Inf bucket; such a scrape
    /// is taken again, up to three times.
    /// </summary>
    private async Task<PrometheusText> ScrapeAsync()
    {
        using var http = new HttpClient { BaseAddress = silo.BaseAddress };
        for (var attempt = 1; ; attempt++)
        {
            using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
            response.EnsureSuccessStatusCode();
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            var text = await response.Content.ReadAsStringAsync();
            try
            {
                return PrometheusText.Parse(text);
            }
            catch (FormatException ex) when (attempt < 3 && ex.Message.Contains("_count differs from the +Inf bucket", StringComparison.Ordinal))
            {
                await Task.Delay(50);
            }
        }
    }
}
