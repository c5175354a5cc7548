namespace WPAI.Kubernetes.Tests;

/// <summary>
/// Job pods that cannot start do not hold their GPUs forever: after the bounded wait (<c>StartTimeout</c>; at once when
/// Kubernetes can never start the pod) the pod is deleted and the attempt ends — failed when the cause is the job's
/// (image, Secret, ConfigMap), re-queued when it is the node's (unschedulable, refused by the kubelet, never started).
/// Failed pods honour the job's retries. The wait is checked with an explicit time, not by sleeping.
/// </summary>
public sealed class StartFailureTests
{
    private const string Dept = "vision";

    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    [Fact]
    public async Task ImagePullBackOff_FailsTheJobAfterTheWait_WithTheReason_AndDeletesThePod()
    {
        await using var k = await KubeSilo.StartWithQuotaAsync(Dept);
        var job = await k.SubmitAndScheduleAsync(KubeSilo.Job("img", Dept, TestCluster.Pool, 2));
        k.Server.SetPodWaiting(KubeSilo.Namespace, "wpai-img-1", "ImagePullBackOff", "Back-off pulling image \"registry.example/train:1\"");
        await KubeSilo.EventuallyAsync(() => Task.FromResult(k.Driver.Observed("wpai-img-1")?.StartProblem is not null), "the waiting reason is seen");

        Assert.Equal(0, await k.Driver.GiveUpStuckPodsAsync(Now + TimeSpan.FromHours(1), CancellationToken.None)); // within the wait
        Assert.Equal(JobStatus.Running, (await k.JobAsync("img")).Status);

        Assert.Equal(1, await k.Driver.GiveUpStuckPodsAsync(Now + KubeSilo.StartTimeout, CancellationToken.None));
        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("img")).Status == JobStatus.Failed, "the job fails");
        var failed = await k.JobAsync("img");
        Assert.Equal("failed: pod wpai-img-1 did not start within 10:00:00: ImagePullBackOff: Back-off pulling image \"registry.example/train:1\"", failed.Explanation);
        Assert.Contains(failed.History, e => e.Kind == "failed" && e.Detail.Contains("ImagePullBackOff", StringComparison.Ordinal));
        Assert.Contains(($"{KubeSilo.Namespace}/wpai-img-1", (long?)0), k.Server.Deletions);
        Assert.Null(k.Pod("wpai-img-1"));
        Assert.DoesNotContain((await k.NodeAsync(job.Placement!.Node)).Allocations, a => a.OwnerId == "img");

        Assert.Equal(0, await k.Driver.GiveUpStuckPodsAsync(Now + (2 * KubeSilo.StartTimeout), CancellationToken.None)); // once
        Assert.Single(k.Driver.Transitions, t => t.Pod == "wpai-img-1");
    }

    [Fact]
    public async Task CreateContainerConfigError_FailsTheJobAfterTheWait_AndInvalidImageName_AtOnce()
    {
        await using var k = await KubeSilo.StartWithQuotaAsync(Dept);
        await k.SubmitAndScheduleAsync(KubeSilo.Job("cfg", Dept, TestCluster.Pool, 1));
        await k.SubmitAndScheduleAsync(KubeSilo.Job("bad-image", Dept, TestCluster.Pool, 1));
        k.Server.SetPodWaiting(KubeSilo.Namespace, "wpai-cfg-1", "CreateContainerConfigError", "secret \"hf-token\" not found");
        k.Server.SetPodWaiting(KubeSilo.Namespace, "wpai-bad-image-1", "InvalidImageName", "Failed to apply default image tag \"Registry/Train:\": invalid reference format");

        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("bad-image")).Status == JobStatus.Failed, "the job with an invalid image fails without waiting");
        Assert.Equal("failed: pod wpai-bad-image-1 cannot start: InvalidImageName: Failed to apply default image tag \"Registry/Train:\": invalid reference format", (await k.JobAsync("bad-image")).Explanation);
        Assert.Null(k.Pod("wpai-bad-image-1"));

        await KubeSilo.EventuallyAsync(() => Task.FromResult(k.Driver.Observed("wpai-cfg-1")?.StartProblem is not null), "the config error is seen");
        Assert.Equal(JobStatus.Running, (await k.JobAsync("cfg")).Status);
        Assert.Equal(1, await k.Driver.GiveUpStuckPodsAsync(Now + KubeSilo.StartTimeout, CancellationToken.None));
        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("cfg")).Status == JobStatus.Failed, "the job fails");
        Assert.EndsWith("CreateContainerConfigError: secret \"hf-token\" not found", (await k.JobAsync("cfg")).Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnschedulableOrNeverStartedPod_IsRequeuedAfterTheWait_AndPlacedAgainAsTheNextAttempt()
    {
        await using var k = await KubeSilo.StartWithQuotaAsync(Dept);
        await k.SubmitAndScheduleAsync(KubeSilo.Job("unsched", Dept, TestCluster.Pool, 1));
        await k.SubmitAndScheduleAsync(KubeSilo.Job("slow", Dept, TestCluster.Pool, 1));
        k.Server.SetPodUnschedulable(KubeSilo.Namespace, "wpai-unsched-1", "0/3 nodes are available: 3 node(s) had untolerated taint {gpu: broken}.");
        await KubeSilo.EventuallyAsync(() => Task.FromResult(k.Driver.Observed("wpai-unsched-1")?.StartProblem is not null), "the condition is seen");

        Assert.Equal(2, await k.Driver.GiveUpStuckPodsAsync(Now + KubeSilo.StartTimeout, CancellationToken.None));
        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("unsched")).Status == JobStatus.Pending && (await k.JobAsync("slow")).Status == JobStatus.Pending, "both jobs are re-queued");
        var unsched = await k.JobAsync("unsched");
        Assert.Equal(2, unsched.Attempts);
        Assert.Contains(unsched.History, e => e.Kind == "lost" && e.Detail.Contains("Unschedulable: 0/3 nodes are available", StringComparison.Ordinal));
        Assert.Contains((await k.JobAsync("slow")).History, e => e.Kind == "lost" && e.Detail.Contains("did not start within 10:00:00: it was not running yet", StringComparison.Ordinal));
        Assert.Null(k.Pod("wpai-unsched-1"));

        await k.ScheduleAsync(TestCluster.Pool);
        Assert.Equal(JobStatus.Running, (await k.JobAsync("unsched")).Status);
        Assert.NotNull(k.Pod("wpai-unsched-2"));
    }

    [Fact]
    public async Task PodRefusedByTheNode_IsRequeuedAtOnce_UntilTheLimitOfRequeuesInARow()
    {
        await using var k = await KubeSilo.StartWithQuotaAsync(Dept);
        await k.SubmitAndScheduleAsync(KubeSilo.Job("refused", Dept, TestCluster.Pool, 1));
        const string message = "Pod was rejected: Node didn't have enough resource: nvidia.com/gpu, requested: 1, used: 8, capacity: 8";
        k.Server.RejectPod(KubeSilo.Namespace, "wpai-refused-1", "OutOfnvidia.com/gpu", message);

        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("refused")).Status == JobStatus.Pending, "the job is re-queued");
        var job = await k.JobAsync("refused");
        Assert.Equal(2, job.Attempts);
        Assert.Contains(job.History, e => e.Kind == "lost" && e.Detail.Contains("was refused by node", StringComparison.Ordinal) && e.Detail.Contains("OutOfnvidia.com/gpu", StringComparison.Ordinal));

        // Placed again and refused again (MaxStartRequeues = 3): the 4th refusal in a row fails the job.
        for (var attempt = 2; attempt <= 4; attempt++)
        {
            await k.ScheduleAsync(TestCluster.Pool);
            Assert.NotNull(k.Pod($"wpai-refused-{attempt}"));
            k.Server.RejectPod(KubeSilo.Namespace, $"wpai-refused-{attempt}", "OutOfnvidia.com/gpu", message);
            var expected = attempt < 4 ? JobStatus.Pending : JobStatus.Failed;
            var next = attempt + 1;
            await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("refused")) is var j && j.Status == expected && (expected == JobStatus.Failed || j.Attempts == next), $"refusal {attempt} is acted on");
        }

        Assert.EndsWith("(not re-queued: 4 starts in a row failed for the node's reasons)", (await k.JobAsync("refused")).Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedPod_RunsAgain_WhileTheJobHasRetriesLeft()
    {
        await using var k = await KubeSilo.StartWithQuotaAsync(Dept);
        await k.SubmitAndScheduleAsync(KubeSilo.Job("retry", Dept, TestCluster.Pool, 1) with { MaxRetries = 1 });
        k.Server.SetPodPhase(KubeSilo.Namespace, "wpai-retry-1", "Failed", 1, "Error");
        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("retry")).Status == JobStatus.Pending, "the first failure is retried");

        await k.ScheduleAsync(TestCluster.Pool);
        Assert.NotNull(k.Pod("wpai-retry-2"));
        k.Server.SetPodPhase(KubeSilo.Namespace, "wpai-retry-2", "Failed", 137, "OOMKilled");
        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("retry")).Status == JobStatus.Failed, "the second failure ends the job");
        Assert.Equal("failed: pod wpai-retry-2: container job exited with code 137 (OOMKilled)", (await k.JobAsync("retry")).Explanation);
    }
}
