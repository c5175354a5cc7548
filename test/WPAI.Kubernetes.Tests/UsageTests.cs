namespace WPAI.Kubernetes.Tests;

/// <summary>
/// Usage of running job pods: CPU and memory from the metrics API (served by the stand-in API server as metrics-server
/// would), GPU utilization from a stand-in DCGM exporter, delivered to the job like a node agent's report, and used by
/// right-sizing; without the metrics API nothing is reported and nothing fails.
/// </summary>
public sealed class UsageTests
{
    private const string Dept = "vision";

    [Fact]
    public async Task Usage_FromTheMetricsApiAndDcgm_ReachesTheJob_AndRightSizesItsTemplatesNextRun()
    {
        await using var dcgm = new StandInDcgmExporter();
        await dcgm.StartAsync();
        await using var k = await KubeSilo.StartWithQuotaAsync(Dept, o => o.DcgmExporterUrls = [dcgm.MetricsUrl.ToString()]);
        k.Server.ServeMetricsApi = true;

        await k.SubmitAndScheduleAsync(KubeSilo.Job("tpl-1", Dept, TestCluster.Pool, gpus: 4, cpuMilli: 8_000) with { Template = "nightly" });
        Assert.Equal(0, await k.Usage.SampleOnceAsync(CancellationToken.None)); // not running yet: nothing to sample
        k.Server.SetPodPhase(KubeSilo.Namespace, "wpai-tpl-1-1", "Running");
        await KubeSilo.EventuallyAsync(() => Task.FromResult(k.Driver.RunningPods.Any(p => p.Name == "wpai-tpl-1-1")), "the pod runs");

        k.Server.SetPodMetrics(KubeSilo.Namespace, "wpai-tpl-1-1", cpu: "1500000000n", memory: "6Gi");
        k.Server.SetPodMetrics("team-x", "other-train-0", cpu: "8", memory: "60Gi"); // not WPAI's
        Assert.Equal(1, await k.Usage.SampleOnceAsync(CancellationToken.None));
        Assert.True(k.Usage.MetricsApiServed);
        Assert.Contains(k.Server.Requests, r => r.StartsWith($"GET /apis/metrics.k8s.io/v1beta1/namespaces/{KubeSilo.Namespace}/pods", StringComparison.Ordinal));

        await k.JobAsync("tpl-1"); // a call behind the one-way usage report: it has been applied
        k.Server.SetPodPhase(KubeSilo.Namespace, "wpai-tpl-1-1", "Succeeded", 0);
        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("tpl-1")).Status == JobStatus.Succeeded, "the job succeeds");
        var done = await k.JobAsync("tpl-1");

        // DCGM: its 4 GPUs at 30, 40, 20, 30 % (mean 0.30), GPU memory at most 25 % (0.9 × 0.25 < 0.30).
        Assert.Equal(0.30, done.EffectiveGpuUtilization!.Value, 6);
        Assert.Equal(1_500, done.Runs.Single().CpuAverageMilli!.Value, 6);

        // The next run of the template is right-sized from it: ceil(4 × 0.30) GPUs, CPU 1500m × 1.5.
        var next = await k.SubmitAndScheduleAsync(KubeSilo.Job("tpl-2", Dept, TestCluster.Pool, gpus: 4, cpuMilli: 8_000) with { Template = "nightly" });
        Assert.Equal(new Resources(2, 2_250, 16_000), next.Requested);
        Assert.Equal("2", k.Pod("wpai-tpl-2-1")!["spec"]!["containers"]![0]!["resources"]!["limits"]!["nvidia.com/gpu"]!.GetValue<string>());
    }

    [Fact]
    public async Task Usage_WithoutTheMetricsApi_ReportsNothing_AndFailsNothing()
    {
        await using var k = await KubeSilo.StartWithQuotaAsync(Dept);
        await k.SubmitAndScheduleAsync(KubeSilo.Job("plain", Dept, TestCluster.Pool, gpus: 1));
        k.Server.SetPodPhase(KubeSilo.Namespace, "wpai-plain-1", "Running");
        await KubeSilo.EventuallyAsync(() => Task.FromResult(k.Driver.RunningPods.Count == 1), "the pod runs");

        Assert.Equal(0, await k.Usage.SampleOnceAsync(CancellationToken.None));
        Assert.False(k.Usage.MetricsApiServed);

        k.Server.SetPodPhase(KubeSilo.Namespace, "wpai-plain-1", "Succeeded", 0);
        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("plain")).Status == JobStatus.Succeeded, "the job succeeds");
        var done = await k.JobAsync("plain");
        Assert.Null(done.EffectiveGpuUtilization);
        Assert.Null(done.Runs.Single().CpuAverageMilli);
    }

    [Fact]
    public void Options_RejectADcgmExporterThatIsNotAnHttpUrl_NamingTheOption()
    {
        var error = Assert.Throws<WpaiValidationException>(() => new KubernetesDriverOptions { DcgmExporterUrls = ["10.0.3.7:9400/metrics"] }.Validate());
        Assert.Equal("Wpai:Kubernetes:DcgmExporterUrls", error.Field);
        new KubernetesDriverOptions { DcgmExporterUrls = ["http://10.0.3.7:9400/metrics"] }.Validate();
    }

    [Fact]
    public void DcgmReadings_GroupGpusByPod_AndIgnoreUnheldGpus()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "StandIn", "dcgm-exporter-metrics.txt"));
        var readings = DcgmReadings.Parse([text]);
        Assert.Equal(["team-x/other-train-0", "wpai-test/wpai-tpl-1-1"], readings.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(4, readings["wpai-test/wpai-tpl-1-1"].Gpus);
        Assert.Equal(0.30, readings["wpai-test/wpai-tpl-1-1"].Utilization, 9);
        Assert.Equal(20_262.0 / (20_262 + 60_788), readings["wpai-test/wpai-tpl-1-1"].MemoryFraction, 9);
        Assert.Equal(0.90, readings["team-x/other-train-0"].Utilization, 9);

        // The exporter's older label names (--use-old-namespace) and escaped label values read the same way.
        var old = "DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",UUID=\"GPU-1\",pod_namespace=\"ns\",pod_name=\"p\",modelName=\"A \\\"quoted\\\" name\"} 55\n";
        Assert.Equal(0.55, DcgmReadings.Parse([old])["ns/p"].Utilization, 9);
    }
}
