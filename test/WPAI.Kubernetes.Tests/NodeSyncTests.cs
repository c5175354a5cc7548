namespace WPAI.Kubernetes.Tests;

/// <summary>Node sync against the stand-in API server: Kubernetes nodes become WPAI nodes, cordon/NotReady → Down, modes mirrored back.</summary>
public sealed class NodeSyncTests
{
    [Fact]
    public async Task Nodes_AreRegistered_WithPoolFromLabels_AndResourcesFromAllocatable()
    {
        await using var k = await KubeSilo.StartAsync(s =>
        {
            TestCluster.TwoGpuNodes(s);
            s.AddNode("gpu-3", new Dictionary<string, string> { ["wpai.io/pool"] = "L4" }, 2, "8", "32Gi");
            s.AddNode("gpu-unlabelled", new Dictionary<string, string>(), 4, "8", "32Gi");
        });

        await KubeSilo.EventuallyAsync(async () => (await k.Grains.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).GetAsync()).NodesByPool.Values.Sum(n => n.Length) == 4, "four nodes are registered");
        Assert.Equal(new NodeSpec("gpu-1", TestCluster.Pool, 8, 64_000, 524_288), (await k.NodeAsync("gpu-1")).Spec);
        Assert.Equal(new NodeSpec("gpu-2", TestCluster.Pool, 8, 63_500, 262_144), (await k.NodeAsync("gpu-2")).Spec);
        Assert.Equal(new NodeSpec("cpu-1", "cpu", 0, 16_000, 65_536), (await k.NodeAsync("cpu-1")).Spec);
        Assert.Equal(new NodeSpec("gpu-3", "L4", 2, 8_000, 32_768), (await k.NodeAsync("gpu-3")).Spec);
        Assert.Equal(NodeMode.Fixed, (await k.NodeAsync("gpu-1")).Mode);
        var fleet = await k.Grains.GetGrain<IFleetGrain>(WpaiCluster.FleetKey).GetAsync();
        Assert.DoesNotContain(fleet.NodesByPool.Values.SelectMany(n => n), n => n == "gpu-unlabelled");
    }

    [Fact]
    public async Task CordonedOrNotReadyNode_GoesDown_AndComesBackWhenUsableAgain()
    {
        await using var k = await KubeSilo.StartAsync(TestCluster.TwoGpuNodes);
        await KubeSilo.EventuallyAsync(async () => (await k.NodeAsync("gpu-1")).Mode == NodeMode.Fixed, "gpu-1 is registered");

        k.Server.Cordon("gpu-1", true);
        await KubeSilo.EventuallyAsync(async () => (await k.NodeAsync("gpu-1")).Mode == NodeMode.Down, "a cordoned node is Down");
        Assert.Equal("kubernetes: cordoned", (await k.NodeAsync("gpu-1")).Transitions[^1].Reason);

        k.Server.Cordon("gpu-1", false);
        await KubeSilo.EventuallyAsync(async () => (await k.NodeAsync("gpu-1")).Mode == NodeMode.Fixed, "an uncordoned node returns to its mode");

        k.Server.SetNodeReady("gpu-2", false);
        await KubeSilo.EventuallyAsync(async () => (await k.NodeAsync("gpu-2")).Mode == NodeMode.Down, "a NotReady node is Down");

        k.Server.DeleteNode("cpu-1");
        await KubeSilo.EventuallyAsync(async () => (await k.NodeAsync("cpu-1")).Mode == NodeMode.Down, "a deleted node is Down");
    }

    [Fact]
    public async Task NodeAnAdminPutDown_StaysDown_WhenKubernetesSaysItIsUsable()
    {
        await using var k = await KubeSilo.StartAsync(TestCluster.TwoGpuNodes);
        await KubeSilo.EventuallyAsync(async () => (await k.NodeAsync("gpu-1")).Mode == NodeMode.Fixed, "gpu-1 is registered");
        await k.Grains.GetGrain<INodeGrain>("gpu-1").ChangeModeAsync(NodeMode.Down, "disk replacement");

        k.Server.Cordon("gpu-1", true);
        k.Server.Cordon("gpu-1", false);
        k.Server.Cordon("gpu-2", true); // events arrive in order: once gpu-2 is Down, gpu-1's were handled
        await KubeSilo.EventuallyAsync(async () => (await k.NodeAsync("gpu-2")).Mode == NodeMode.Down, "gpu-2 is Down");
        Assert.Equal(NodeMode.Down, (await k.NodeAsync("gpu-1")).Mode);
    }

    [Fact]
    public async Task WpaiMode_IsMirroredAsLabelAndTaint_KeepingOtherTaints()
    {
        await using var k = await KubeSilo.StartAsync(TestCluster.TwoGpuNodes);
        await KubeSilo.EventuallyAsync(() => Task.FromResult(Taints(k, "gpu-1").Contains("wpai.io/mode=Fixed:NoSchedule")), "Fixed is mirrored as a taint");
        Assert.Equal("Fixed", k.Server.Get("nodes", null, "gpu-1")!["metadata"]!["labels"]!["wpai.io/mode"]!.GetValue<string>());

        await k.Grains.GetGrain<INodeGrain>("gpu-1").ChangeModeAsync(NodeMode.OnlineNormal, "serve");
        await KubeSilo.EventuallyAsync(() => Task.FromResult(Label(k, "gpu-1") == "OnlineNormal" && Taints(k, "gpu-1").Count == 0), "an online node carries the label and no taint");

        await k.Grains.GetGrain<INodeGrain>("gpu-1").BeginHandoverAsync(NodeMode.OfflineNormal, "lend");
        await KubeSilo.EventuallyAsync(() => Task.FromResult(Label(k, "gpu-1") == "Unnormal" && Taints(k, "gpu-1").SequenceEqual(["wpai.io/mode=Unnormal:NoSchedule"])), "a draining node is tainted");

        // A node lent to training keeps other workloads off with the taint, and keeps taints that are not WPAI's.
        k.Server.Patch("nodes", null, "gpu-2", new JsonObject { ["spec"] = new JsonObject { ["taints"] = new JsonArray(new JsonObject { ["key"] = "gpu", ["value"] = "flaky", ["effect"] = "NoExecute" }) } });
        await k.Grains.GetGrain<INodeGrain>("gpu-2").ChangeModeAsync(NodeMode.OfflineNormal, "lend");
        await KubeSilo.EventuallyAsync(() => Task.FromResult(Label(k, "gpu-2") == "OfflineNormal" && Taints(k, "gpu-2").SequenceEqual(["gpu=flaky:NoExecute", "wpai.io/mode=OfflineNormal:NoSchedule"])), "a lent node is tainted");
    }

    private static string? Label(KubeSilo k, string node) => k.Server.Get("nodes", null, node)!["metadata"]!["labels"]?["wpai.io/mode"]?.GetValue<string>();

    private static List<string> Taints(KubeSilo k, string node) =>
        (k.Server.Get("nodes", null, node)!["spec"]!["taints"] as JsonArray ?? [])
            .Select(t => $"{t!["key"]}={t["value"]}:{t["effect"]}").ToList();
}
