using System.Diagnostics;
using Xunit.Abstractions;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Grains;

namespace WPAI.Agent.Tests;

/// <summary>
/// Inference replicas as real model-server processes started by the node agents, behind the silo's gateway: a ResNet18
/// service (min 1, max 3) scales out on measured QPS and in after the stabilization window, draining first; a replica
/// killed by PID is replaced. Loads are bounded in count and time, loopback only.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class ServingTests(ServingCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Service_ScalesOutOnMeasuredLoad_ScalesInDrainingWithoutFailures_AndReplacesAKilledReplica()
    {
        const string name = "resnet";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var deployed = await cluster.Client.DeployServiceAsync(Spec(name, cluster.Models));
        Assert.Equal(cluster.Gateway + "services/" + name, deployed.Address);

        // 1. One replica: a real model server on a node agent, ready, reached through the gateway.
        var one = await WaitServiceAsync(name, s => s.Replicas.Count(r => r.Phase == ReplicaPhase.Ready) == 1, "the first replica ready");
        var first = one.Replicas.Single();
        Assert.NotNull(first.Pid);
        Assert.StartsWith("http://127.0.0.1:", first.Url, StringComparison.Ordinal);
        await WaitRoutedAsync(http);
        await LoadGenerator.InferOnceAsync(http, new Uri(cluster.Gateway, $"/services/{name}/v2/models/resnet18/infer"));

        // 2. Load: the measured QPS reaches the grain, which scales out; the new replica serves through the gateway.
        await using (var load = new LoadGenerator(ModelUrl, clients: 4, maxRequestsPerClient: 300, limit: Patience))
        {
            var scaled = await WaitServiceAsync(name, s => s.Replicas.Count(r => r.Phase == ReplicaPhase.Ready) >= 2, "a second replica ready under load");
            var expand = scaled.Decisions.FirstOrDefault(d => d.ToReplicas > d.FromReplicas && d.Kind is "Expand" or "Clamped");
            Assert.True(expand is not null, "no scale-out decision: " + string.Join('\n', scaled.Decisions.Select(d => $"{d.Kind} {d.FromReplicas}->{d.ToReplicas} {d.Metric} {d.Observed}: {d.Reason}")));
            Assert.Equal(ScalingMetric.QpsPerReplica, expand.Metric);
            Assert.True(expand.Observed > 0, expand.Reason);
            Assert.Contains("measured: ", expand.Reason, StringComparison.Ordinal);
            var added = scaled.Replicas.First(r => r.Id != first.Id && r.Phase == ReplicaPhase.Ready);
            await cluster.WaitForAsync(() => InferenceCountAsync(http, added.Url!), n => n > 0, $"requests served by the new replica {added.Id}", Patience);
            await load.StopAsync();
            output.WriteLine($"load: {load.Succeeded} requests served, {load.Failures.Count} failed; scale-out {expand.FromReplicas} -> {expand.ToReplicas} ({expand.Kind}) at observed {expand.Observed:0.##} QPS per replica vs target {expand.Target}: {expand.Reason}");
            Assert.True(load.Failures.Count == 0, $"{load.Failures.Count} requests failed under load: {string.Join('\n', load.Failures.Take(5))}");
        }

        // 3. Load stops (a light trickle continues): scale-in after the stabilization window, draining first, no request fails.
        var drained = false;
        await using (var trickle = new LoadGenerator(ModelUrl, clients: 1, maxRequestsPerClient: 400, limit: Patience))
        {
            await cluster.WaitForAsync(
                async () =>
                {
                    var s = await cluster.Client.GetServiceAsync(name);
                    drained |= s.Replicas.Any(r => r.Phase == ReplicaPhase.Draining);
                    return s;
                },
                s => s.Replicas.Length == 1 && s.Replicas[0].Phase == ReplicaPhase.Ready,
                "scale-in to one replica",
                Patience);
            await trickle.StopAsync();
            output.WriteLine($"scale-in: {trickle.Succeeded} requests served during it, {trickle.Failures.Count} failed");
            Assert.True(trickle.Failures.Count == 0, $"{trickle.Failures.Count} requests failed during scale-in: {string.Join('\n', trickle.Failures.Take(5))}");
            Assert.True(trickle.Succeeded > 0);
        }

        Assert.True(drained, "a replica was seen draining before it stopped");
        var contracted = await cluster.Client.GetServiceAsync(name);
        Assert.Contains(contracted.Decisions, d => d.ToReplicas < d.FromReplicas && d.Kind is "Contract" or "Clamped");

        // 4. Two replicas (by hand); kill one by PID: it is replaced, and requests in the gap go to the other.
        await cluster.Client.ScaleServiceAsync(name, 2, "replica kill test");
        var two = await WaitServiceAsync(name, s => s.Replicas.Count(r => r.Phase == ReplicaPhase.Ready) == 2, "two replicas ready again");
        var victim = two.Replicas.OrderBy(r => r.StartedAt).First();
        var other = two.Replicas.Single(r => r.Id != victim.Id);
        InferenceServiceView replaced;
        await using (var during = new LoadGenerator(ModelUrl, clients: 2, maxRequestsPerClient: 400, limit: Patience))
        {
            var before = await InferenceCountAsync(http, other.Url!);
            await cluster.WaitForAsync(() => InferenceCountAsync(http, other.Url!), n => n > before, $"the gateway routing to {other.Id} too", Patience);
            var gap = Stopwatch.StartNew();
            Assert.True(Measuring.Posix.SignalGroup(victim.Pid!.Value, Measuring.Posix.SigKill));
            replaced = await WaitServiceAsync(name, s => s.Replicas.Count(r => r.Phase == ReplicaPhase.Ready) == 2 && s.Replicas.All(r => r.Id != victim.Id), $"{victim.Id} replaced after SIGKILL");
            var replacement = replaced.Replicas.Single(r => two.Replicas.All(t => t.Id != r.Id));
            await cluster.WaitForAsync(() => InferenceCountAsync(http, replacement.Url!), n => n > 0, $"requests served by the replacement {replacement.Id}", Patience);
            await during.StopAsync();
            // Requests in flight on the killed process, and any the gateway sent it before it noticed, fail: counted, not asserted.
            output.WriteLine($"kill: replacement serving after {gap.Elapsed.TotalSeconds:0.#} s; {during.Succeeded} requests served meanwhile, {during.Failures.Count} failed ({string.Join(" | ", during.Failures.Take(3))})");
            Assert.True(during.Succeeded > 0, "requests in the gap were served by the other replica");
        }

        Assert.Contains(replaced.Decisions, d => d.Kind == "Replace" && d.Reason.Contains(victim.Id, StringComparison.Ordinal));
        output.WriteLine(replaced.Decisions.First(d => d.Kind == "Replace").Reason);

        await cluster.Grains.GetGrain<IInferenceServiceGrain>(name).DeleteAsync();
    }

    [Fact]
    public async Task Update_RollsOutOneReplicaAtATime_WithoutFailures_AndAVersionFailingReadinessStopsTheRollout()
    {
        const string name = "resnet-roll";
        var url = new Uri(cluster.Gateway, $"/services/{name}/v2/models/resnet18/infer");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        await cluster.Client.DeployServiceAsync(Spec(name, cluster.Models, min: 1, max: 1));
        await WaitServiceAsync(name, s => s.Replicas.Length == 1 && s.Replicas[0].Phase == ReplicaPhase.Ready, "one replica ready");
        await cluster.WaitForAsync(() => StatusAsync(http, new Uri(cluster.Gateway, $"/services/{name}/v2/health/ready")), s => s == 200, "the gateway routing the service");

        // Roll out version 2 under a trickle of requests: a surge replica first, then the old one drains; nothing fails.
        var surge = false;
        await using (var trickle = new LoadGenerator(url, clients: 1, maxRequestsPerClient: 400, limit: Patience))
        {
            var rolling = await cluster.Client.UpdateServiceModelsAsync(name, cluster.ModelsV2);
            Assert.Equal(cluster.ModelsV2, rolling.RolloutTarget);
            var done = await cluster.WaitForAsync(
                async () =>
                {
                    var s = await cluster.Client.GetServiceAsync(name);
                    surge |= s.Replicas.Count(r => r.Phase != ReplicaPhase.Draining) == 2;
                    return s;
                },
                s => s.RolloutTarget is null && s.Replicas.Length == 1 && s.Replicas[0].Phase == ReplicaPhase.Ready,
                "the roll-out to version 2 done",
                Patience);
            Assert.Equal(cluster.ModelsV2, done.Spec.ModelRepository);
            Assert.Equal(cluster.ModelsV2, done.Replicas[0].ModelRepository);
            await trickle.StopAsync();
            Assert.True(trickle.Failures.Count == 0, $"{trickle.Failures.Count} requests failed during the roll-out: {string.Join('\n', trickle.Failures.Take(5))}");
            Assert.True(trickle.Succeeded > 0);
        }

        Assert.True(surge, "the new version started beside the old one (surge 1)");
        output.WriteLine($"roll-out: {string.Join(" | ", (await cluster.Client.GetServiceAsync(name)).Decisions.Where(d => d.Kind.StartsWith("Rollout", StringComparison.Ordinal)).Select(d => d.Reason))}");
        var metadata = await http.GetStringAsync(new Uri(cluster.Gateway, $"/services/{name}/v2/models/resnet18"));
        Assert.Contains("\"2\"", metadata, StringComparison.Ordinal);

        // A version that fails readiness stops the roll-out; the version-2 replica keeps serving.
        var kept = (await cluster.Client.GetServiceAsync(name)).Replicas.Single();
        await cluster.Client.UpdateServiceModelsAsync(name, cluster.BrokenModels);
        var failed = await WaitServiceAsync(name, s => s.Decisions.Any(d => d.Kind == "RolloutFailed"), "the broken roll-out stopped");
        var stop = failed.Decisions.First(d => d.Kind == "RolloutFailed").Reason;
        output.WriteLine("failed roll-out: " + stop);
        Assert.Contains("failed to load", stop, StringComparison.Ordinal);
        Assert.Null(failed.RolloutTarget);
        Assert.Equal(cluster.ModelsV2, failed.Spec.ModelRepository);
        Assert.Equal(kept.Id, Assert.Single(failed.Replicas, r => r.Phase != ReplicaPhase.Draining).Id);
        await LoadGenerator.InferOnceAsync(http, url);

        await cluster.Grains.GetGrain<IInferenceServiceGrain>(name).DeleteAsync();
    }

    private Uri ModelUrl => new(cluster.Gateway, "/v2/models/resnet18/infer");

    private static async Task<int> StatusAsync(HttpClient http, Uri url)
    {
        using var response = await http.GetAsync(url);
        return (int)response.StatusCode;
    }

    private static InferenceServiceSpec Spec(string name, string models, int min = 1, int max = 3) => new(
        name, "resnet18", AgentCluster.Pool, new Resources(1, 1000, 1024),
        CapacityQps: 1, MinReplicas: min, MaxReplicas: max,
        Targets: ImmutableDictionary<ScalingMetric, double>.Empty.Add(ScalingMetric.QpsPerReplica, 0.5),
        LatencySloP99: TimeSpan.FromMinutes(10), ErrorRateSlo: 0.5, ModelRepository: models);

    private Task<InferenceServiceView> WaitServiceAsync(string name, Func<InferenceServiceView, bool> done, string what) =>
        cluster.WaitForAsync(() => cluster.Client.GetServiceAsync(name), done, $"service {name}: {what}", Patience);

    /// <summary>The gateway answers for the model once its routes include a ready replica (until then: 503 or 404).</summary>
    private async Task WaitRoutedAsync(HttpClient http) =>
        await cluster.WaitForAsync(
            async () => (int)(await http.GetAsync(new Uri(cluster.Gateway, "/v2/models/resnet18/ready"))).StatusCode,
            status => status == 200,
            "the gateway routing /v2/models/resnet18 to a ready replica",
            Patience);

    private static async Task<long> InferenceCountAsync(HttpClient http, string replicaUrl)
    {
        var stats = await http.GetStringAsync(new Uri(replicaUrl + "/v2/models/resnet18/stats"));
        using var json = System.Text.Json.JsonDocument.Parse(stats);
        return json.RootElement.GetProperty("model_stats").EnumerateArray().Sum(m => m.GetProperty("inference_count").GetInt64());
    }
}
