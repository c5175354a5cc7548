using System.Globalization;

namespace WPAI.Kubernetes.Tests;

/// <summary>
/// The pod watch against the stand-in API server: it recovers from a dropped connection (watch again from the last
/// resourceVersion), from 410 Gone (list again and reconcile) and uses bookmarks, never missing or repeating an event.
/// </summary>
public sealed class WatchRecoveryTests
{
    private const string Dept = "nlp";

    private static async Task<KubeSilo> StartWithRunningPodAsync(string job)
    {
        var k = await KubeSilo.StartWithQuotaAsync(Dept);
        await k.SubmitAndScheduleAsync(KubeSilo.Job(job, Dept, TestCluster.Pool, 1));
        k.Server.SetPodPhase(KubeSilo.Namespace, $"wpai-{job}-1", "Running");
        await KubeSilo.EventuallyAsync(() => Task.FromResult(k.Driver.Transitions.Any(t => t.Pod == $"wpai-{job}-1")), "Running is seen");
        return k;
    }

    [Fact]
    public async Task DroppedConnection_WatchesAgainFromTheLastVersion_WithoutMissingOrRepeating()
    {
        await using var k = await StartWithRunningPodAsync("drop");
        var lists = k.Runtime.PodWatch!.Lists;
        var watches = k.Runtime.PodWatch.Watches;

        k.Server.DropWatches();
        k.Server.SetPodPhase(KubeSilo.Namespace, "wpai-drop-1", "Running"); // while the watch is down (no phase change)
        k.Server.SetPodPhase(KubeSilo.Namespace, "wpai-drop-1", "Succeeded", 0);

        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("drop")).Status == JobStatus.Succeeded, "the job succeeds");
        Assert.Equal([PodRunState.Running, PodRunState.Succeeded], k.Driver.Transitions.Where(t => t.Pod == "wpai-drop-1").Select(t => t.State));
        Assert.Equal(lists, k.Runtime.PodWatch.Lists); // resumed by version, no re-list
        Assert.True(k.Runtime.PodWatch.Watches > watches);
    }

    [Fact]
    public async Task Gone410_ListsAgain_AndReportsWhatHappenedMeanwhile_Once()
    {
        await using var k = await StartWithRunningPodAsync("stale");
        await k.SubmitAndScheduleAsync(KubeSilo.Job("deleted-meanwhile", Dept, TestCluster.Pool, 1));
        await KubeSilo.EventuallyAsync(() => Task.FromResult(k.Pod("wpai-deleted-meanwhile-1") is not null), "the second pod exists");
        var lists = k.Runtime.PodWatch!.Lists;

        // While the watch is down: the pod succeeds, another pod is deleted, and the server forgets the history.
        k.Server.DropWatches();
        k.Server.SetPodPhase(KubeSilo.Namespace, "wpai-stale-1", "Succeeded", 0);
        k.Server.DeletePodNow(KubeSilo.Namespace, "wpai-deleted-meanwhile-1");
        k.Server.CompactHistory();

        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("stale")).Status == JobStatus.Succeeded, "the job succeeds");
        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("deleted-meanwhile")).Status == JobStatus.Failed, "the deleted pod's job fails");
        Assert.Equal(lists + 1, k.Runtime.PodWatch.Lists);
        Assert.Equal([PodRunState.Running, PodRunState.Succeeded], k.Driver.Transitions.Where(t => t.Pod == "wpai-stale-1").Select(t => t.State));
        Assert.Equal([PodRunState.Gone], k.Driver.Transitions.Where(t => t.Pod == "wpai-deleted-meanwhile-1").Select(t => t.State));

        // Later events still arrive (the watch runs again from the new list's version).
        k.Server.SetPodPhase(KubeSilo.Namespace, "wpai-stale-1", "Succeeded", 0);
        await k.SubmitAndScheduleAsync(KubeSilo.Job("after", Dept, TestCluster.Pool, 1));
        k.Server.SetPodPhase(KubeSilo.Namespace, "wpai-after-1", "Failed", 2, "Error");
        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("after")).Status == JobStatus.Failed, "a later failure is reported");
        Assert.Equal(2, k.Driver.Transitions.Count(t => t.Pod == "wpai-stale-1"));
    }

    [Fact]
    public async Task Bookmark_MovesTheVersionForward_SoAResumedWatchIsNotGone()
    {
        await using var k = await StartWithRunningPodAsync("marked");
        var lists = k.Runtime.PodWatch!.Lists;

        // Objects the driver's selector does not match move the server's version without telling the driver…
        using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(k.Server.WriteKubeConfig(Path.GetTempPath())));
        for (var i = 0; i < 3; i++)
        {
            await client.CoreV1.CreateNamespacedPodAsync(new V1Pod { Metadata = new V1ObjectMeta { Name = $"other-{i}" }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "busybox" }] } }, KubeSilo.Namespace);
        }

        // The bookmark must carry the server's newest version (not merely move the driver's version: an event of the
        // driver's own could do that); it is sent again while the watch is between connections and has nobody to tell.
        var newestVersion = k.Server.CurrentVersion;
        var newest = long.Parse(newestVersion, CultureInfo.InvariantCulture);
        Assert.True(long.Parse(k.Runtime.PodWatch.ResourceVersion!, CultureInfo.InvariantCulture) < newest);
        await KubeSilo.EventuallyAsync(() =>
        {
            k.Server.SendBookmarks();
            return Task.FromResult(long.Parse(k.Runtime.PodWatch.ResourceVersion!, CultureInfo.InvariantCulture) >= newest);
        }, "the bookmark with the newest version arrives");

        // …so that after the history is compacted up to that version, watching again from the bookmark needs no re-list.
        // (At the bookmark's version, not at "now": every write moves the server's version — the silo's node sync patches
        // nodes — so a write after the bookmark made "now" newer than it and forced a re-list; one CI failure.)
        k.Server.CompactHistory(upTo: newestVersion);
        k.Server.DropWatches();
        k.Server.SetPodPhase(KubeSilo.Namespace, "wpai-marked-1", "Succeeded", 0);
        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("marked")).Status == JobStatus.Succeeded, "the job succeeds");
        Assert.Equal(lists, k.Runtime.PodWatch.Lists);
        Assert.Equal([PodRunState.Running, PodRunState.Succeeded], k.Driver.Transitions.Where(t => t.Pod == "wpai-marked-1").Select(t => t.State));
    }

    [Fact]
    public async Task Restart_ReadoptsItsPods_RecreatesMissingOnes_AndDeletesOrphans()
    {
        await using var k = await StartWithRunningPodAsync("kept");
        await k.SubmitAndScheduleAsync(KubeSilo.Job("lost", Dept, TestCluster.Pool, 1));
        await k.SubmitAndScheduleAsync(KubeSilo.Job("finished", Dept, TestCluster.Pool, 1));
        await KubeSilo.EventuallyAsync(() => Task.FromResult(k.Pod("wpai-finished-1") is not null), "the pods exist");
        await k.StopSiloAsync();

        // While WPAI is down: one pod finishes, one is deleted, and a stale pod of an old attempt of "kept" shows up.
        k.Server.SetPodPhase(KubeSilo.Namespace, "wpai-finished-1", "Succeeded", 0);
        k.Server.DeletePodNow(KubeSilo.Namespace, "wpai-lost-1");
        var orphan = k.Pod("wpai-kept-1")!;
        orphan["metadata"]!["name"] = "wpai-kept-7";
        orphan["metadata"]!["labels"]!["wpai.io/attempt"] = "7";
        ((JsonObject)orphan["metadata"]!).Remove("resourceVersion");
        using (var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(k.Server.WriteKubeConfig(Path.GetTempPath()))))
        {
            await client.CoreV1.CreateNamespacedPodAsync(KubernetesJson.Deserialize<V1Pod>(orphan.ToJsonString()), KubeSilo.Namespace);
        }

        await k.StartSiloAsync();

        Assert.Equal(new AdoptionReport(Adopted: 2, Recreated: 1, OrphansDeleted: 1), k.Driver.Adoption);
        Assert.NotNull(k.Pod("wpai-lost-1"));
        Assert.Equal(JobStatus.Running, (await k.JobAsync("kept")).Status);
        Assert.Contains(($"{KubeSilo.Namespace}/wpai-kept-7", (long?)45), k.Server.Deletions);
        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("finished")).Status == JobStatus.Succeeded, "the pod that finished meanwhile completes its job");

        k.Server.SetPodPhase(KubeSilo.Namespace, "wpai-kept-1", "Succeeded", 0);
        await KubeSilo.EventuallyAsync(async () => (await k.JobAsync("kept")).Status == JobStatus.Succeeded, "the adopted pod's completion is reported");
    }
}
