namespace WPAI.Kubernetes.Tests;

/// <summary>Jobs as pods against the stand-in API server: the pod spec, phases → job states, stop with grace, idempotent start.</summary>
public sealed class JobPodTests
{
    private const string Dept = "vision";

    [Fact]
    public async Task StartedJob_IsPodBoundToTheChosenNode_WithGpuLimitsResourcesLabelsAndOwner()
    {
        await using var k = await KubeSilo.StartWithQuotaAsync(Dept);
        var job = await k.SubmitAndScheduleAsync(KubeSilo.Job("train-1", Dept, TestCluster.Pool, gpus: 2, cpuMilli: 6_500, memoryMib: 20_000) with
        {
            Image = "registry.example/resnet:7",
            Command = ["python", "train.py", "--epochs", "3"],
            Environment = ImmutableDictionary<string, string>.Empty.Add("LR", "0.1").Add("BATCH", "256"),
            WorkingDirectory = "/workspace",
            GracePeriod = TimeSpan.FromSeconds(90),
        });
        Assert.Equal(JobStatus.Running, job.Status);

        var pod = k.Pod("wpai-train-1-1");
        Assert.NotNull(pod);
        Assert.Equal(job.Placement!.Node, pod["spec"]!["nodeName"]!.GetValue<string>());
        Assert.Equal("Never", pod["spec"]!["restartPolicy"]!.GetValue<string>());
        Assert.Equal(90, pod["spec"]!["terminationGracePeriodSeconds"]!.GetValue<long>());
        var container = pod["spec"]!["containers"]![0]!;
        Assert.Equal("registry.example/resnet:7", container["image"]!.GetValue<string>());
        Assert.Equal(["python", "train.py", "--epochs", "3"], container["command"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(["BATCH=256", "LR=0.1"], container["env"]!.AsArray().Select(e => $"{e!["name"]}={e["value"]}"));
        Assert.Equal("/workspace", container["workingDir"]!.GetValue<string>());
        Assert.Equal("2", container["resources"]!["limits"]!["nvidia.com/gpu"]!.GetValue<string>());
        Assert.Equal("6500m", container["resources"]!["requests"]!["cpu"]!.GetValue<string>());
        Assert.Equal("6500m", container["resources"]!["limits"]!["cpu"]!.GetValue<string>());
        Assert.Equal("20000Mi", container["resources"]!["requests"]!["memory"]!.GetValue<string>());
        Assert.Equal("20000Mi", container["resources"]!["limits"]!["memory"]!.GetValue<string>());
        var labels = pod["metadata"]!["labels"]!;
        Assert.Equal("train-1", labels["wpai.io/job"]!.GetValue<string>());
        Assert.Equal("1", labels["wpai.io/attempt"]!.GetValue<string>());
        Assert.Equal(Dept, labels["wpai.io/department"]!.GetValue<string>());
        Assert.Equal("wpai", labels["app.kubernetes.io/managed-by"]!.GetValue<string>());
        Assert.Equal("wpai", pod["metadata"]!["annotations"]!["wpai.io/owner"]!.GetValue<string>());
        Assert.Equal("wpai.io/mode", pod["spec"]!["tolerations"]![0]!["key"]!.GetValue<string>());
    }

    [Fact]
    public async Task PodPhases_BecomeJobStates_EachReportedOnce()
    {
        await using var k = await KubeSilo.StartWithQuotaAsync(Dept);
        await k.SubmitAndScheduleAsync(KubeSilo.Job("ok", Dept, TestCluster.Pool, 1));
        await k.SubmitAndScheduleAsync(KubeSilo.Job("oom", Dept, TestCluster.Pool, 1));
        await k.SubmitAndScheduleAsync(KubeSilo.Job("gone", Dept, TestCluster.Pool, 1));

        k.Server.SetPodPhase(KubeSilo.Namespace, "wpai-ok-1", "Running");
        k.Server.SetPodPhase(KubeSilo.Namespace, "wpai-ok-1", "Running"); // a status update that changes no phase
        await KubeSilo.EventuallyAsync(() => Task.FromResult(States(k, "wpai-ok-1").SequenceEqual([PodRunState.Running])), "Running is seen");
        Assert.Equal(JobStatus.Running, (await k.JobAsync("ok")).Status);

        k.Server.SetPodPhase(KubeSilo.Namespace, "wpai-ok-1", "Succeeded", 0);
        k.Server.SetPodPhase(KubeSilo.Namespace, "wpai-oom-1", "Failed", 137, "OOMKilled");
        k.Server.DeletePodNow(KubeSilo.Namespace, "wpai-gone-1");

        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("ok")).Status == JobStatus.Succeeded, "the succeeded pod's job succeeds");
        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("oom")).Status == JobStatus.Failed, "the OOM-killed pod's job fails");
        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("gone")).Status == JobStatus.Failed, "the job whose pod was deleted fails");
        Assert.Equal("failed: pod wpai-oom-1: container job exited with code 137 (OOMKilled)", (await k.JobAsync("oom")).Explanation);
        Assert.Equal("failed: pod wpai-gone-1 was deleted outside WPAI", (await k.JobAsync("gone")).Explanation);
        Assert.Equal([PodRunState.Running, PodRunState.Succeeded], States(k, "wpai-ok-1"));
        Assert.Equal([PodRunState.Failed], States(k, "wpai-oom-1"));
        Assert.Equal([PodRunState.Gone], States(k, "wpai-gone-1"));
        var nodes = await Task.WhenAll(new[] { "gpu-1", "gpu-2" }.Select(k.NodeAsync));
        Assert.DoesNotContain(nodes.SelectMany(n => n.Allocations), a => a.OwnerId is "ok" or "oom" or "gone");
    }

    [Fact]
    public async Task EvictedPod_RequeuesItsJob_KeepingItsWait()
    {
        await using var k = await KubeSilo.StartWithQuotaAsync(Dept);
        await k.SubmitAndScheduleAsync(KubeSilo.Job("drained", Dept, TestCluster.Pool, 1));
        k.Server.SetPodPhase(KubeSilo.Namespace, "wpai-drained-1", "Running");
        await KubeSilo.EventuallyAsync(() => Task.FromResult(States(k, "wpai-drained-1").Count == 1), "Running is seen");

        k.Server.Evict(KubeSilo.Namespace, "wpai-drained-1", "EvictionByEvictionAPI", "Eviction API: evicting");
        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("drained")).Status == JobStatus.Pending, "the evicted pod's job is re-queued");
        var job = await k.JobAsync("drained");
        Assert.Equal(2, job.Attempts);
        Assert.Contains(job.History, e => e.Kind == "lost" && e.Detail.Contains("pod wpai-drained-1 was evicted (EvictionByEvictionAPI: Eviction API: evicting)", StringComparison.Ordinal));
        Assert.Equal([PodRunState.Running, PodRunState.Gone], States(k, "wpai-drained-1"));
    }

    [Fact]
    public async Task Preemption_DeletesThePodWithTheGracePeriod_AndThePreemptorWaitsUntilItIsGone()
    {
        await using var k = await KubeSilo.StartWithQuotaAsync(Dept);
        await k.SetQuotaAsync("borrower", TestCluster.Pool, 0);
        await k.SetQuotaAsync("owner", TestCluster.Pool, 8);
        await k.SetQuotaAsync(Dept, TestCluster.Pool, 0);
        var b1 = await k.SubmitAndScheduleAsync(KubeSilo.Job("b1", "borrower", TestCluster.Pool, 8));
        var b2 = await k.SubmitAndScheduleAsync(KubeSilo.Job("b2", "borrower", TestCluster.Pool, 8));
        Assert.Equal(JobStatus.Running, b1.Status);
        Assert.Equal(JobStatus.Running, b2.Status);

        var own = await k.SubmitAndScheduleAsync(KubeSilo.Job("own", "owner", TestCluster.Pool, 8));
        Assert.Equal(JobStatus.Running, own.Status);
        var victim = (await k.JobAsync("b1")).Status == JobStatus.Pending ? "b1" : "b2";
        Assert.Equal(2, (await k.JobAsync(victim)).Attempts);
        Assert.Contains(($"{KubeSilo.Namespace}/wpai-{victim}-1", (long?)45), k.Server.Deletions);

        // The victim's pod is terminating (its containers get their 45 s): the preemptor's pod waits for it.
        Assert.NotNull(k.Pod($"wpai-{victim}-1")!["metadata"]!["deletionTimestamp"]);
        Assert.Null(k.Pod("wpai-own-1"));
        Assert.Contains("wpai-own-1", k.Driver.DeferredPods);

        Assert.Equal(1, k.Server.FinishDeletions());
        await KubeSilo.EventuallyAsync(() => Task.FromResult(k.Pod("wpai-own-1") is not null), "the preemptor's pod is created once the victim's is gone");
        Assert.Equal(own.Placement!.Node, k.Pod("wpai-own-1")!["spec"]!["nodeName"]!.GetValue<string>());
        Assert.DoesNotContain(k.Driver.Transitions, t => t.Pod == $"wpai-{victim}-1" && t.State == PodRunState.Failed);
        Assert.Equal(JobStatus.Pending, (await k.JobAsync(victim)).Status);
    }

    [Fact]
    public async Task Cancel_DeletesThePod_AndStoppingAPodThatIsGoneIsFine()
    {
        await using var k = await KubeSilo.StartWithQuotaAsync(Dept);
        await k.SubmitAndScheduleAsync(KubeSilo.Job("c", Dept, TestCluster.Pool, 1));
        await k.Grains.GetGrain<IJobGrain>("c").CancelAsync("not needed");
        Assert.Contains(($"{KubeSilo.Namespace}/wpai-c-1", (long?)45), k.Server.Deletions);
        k.Server.FinishDeletions();
        await KubeSilo.EventuallyAsync(() => Task.FromResult(k.Driver.Transitions.Any(t => t.Pod == "wpai-c-1" && t.State == PodRunState.Gone)), "the pod is gone");

        await k.Driver.StopAsync("c", 1); // already gone: 404 is fine
        await k.Driver.StopAsync("never-started", 3);
        Assert.Equal(JobStatus.Cancelled, (await k.JobAsync("c")).Status);
        Assert.Equal("pod wpai-c-1 is gone (stopped by WPAI)", k.Driver.Transitions.Single(t => t.Pod == "wpai-c-1").Detail);
    }

    [Fact]
    public async Task StartOfferedTwice_CreatesOnePod_EvenFromAnotherDriverInstance()
    {
        await using var k = await KubeSilo.StartWithQuotaAsync(Dept);
        var job = await k.SubmitAndScheduleAsync(KubeSilo.Job("twice", Dept, TestCluster.Pool, 1));

        // The scheduler offers the same attempt again (it lost the answer): the job grain calls the driver again.
        Assert.True(await k.Grains.GetGrain<IJobGrain>("twice").TryStartAsync(job.Placement!, true));
        await k.Driver.StartAsync(job.Spec, job.Placement!);

        // A driver that never saw the pod (another silo, or after a restart) gets 409 and accepts the existing pod.
        using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(k.Server.WriteKubeConfig(Path.GetTempPath())));
        var other = new KubernetesClusterDriver(client, k.Grains, Microsoft.Extensions.Options.Options.Create(new KubernetesDriverOptions { Namespace = KubeSilo.Namespace, DefaultImage = KubeSilo.Image }), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<KubernetesClusterDriver>.Instance);
        await other.StartAsync(job.Spec, job.Placement!);

        Assert.Single(k.Server.List("pods", KubeSilo.Namespace));
        Assert.Equal(1, k.Server.Conflicts);
        Assert.Equal(2, k.Server.Requests.Count(r => r.StartsWith($"POST /api/v1/namespaces/{KubeSilo.Namespace}/pods", StringComparison.Ordinal)));
        Assert.Equal(JobStatus.Running, (await k.JobAsync("twice")).Status);
    }

    private static List<PodRunState> States(KubeSilo k, string pod) => [.. k.Driver.Transitions.Where(t => t.Pod == pod).Select(t => t.State)];
}
