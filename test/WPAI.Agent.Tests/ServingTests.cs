using System.Diagnostics;
using Xunit.Abstractions;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Grains;
using WPAI.Inference.Grpc.Protocol;

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
    public async Task Service_ScalesOutOnMeasuredLoad_ReplacesAKilledReplicaWithoutFailures_ScalesInDraining()
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

        // The replica requires the API key the agents gave it: asked directly without it, it refuses; the gateway sends it.
        using (var direct = await http.GetAsync(new Uri(first.Url + "/v2/models/resnet18")))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, direct.StatusCode);
        }

        // 2. Load: the measured QPS reaches the grain, which scales out; the new replica serves through the gateway.
        await using (var load = new LoadGenerator(ModelUrl, clients: 4, maxRequestsPerClient: 400, limit: Patience))
        {
            var scaled = await WaitServiceAsync(name, s => s.Replicas.Count(r => r.Phase == ReplicaPhase.Ready) >= 2, "a second replica ready under load");
            var expand = scaled.Decisions.FirstOrDefault(d => d.ToReplicas > d.FromReplicas && d.Kind is "Expand" or "Clamped");
            Assert.True(expand is not null, "no scale-out decision: " + string.Join('\n', scaled.Decisions.Select(d => $"{d.Kind} {d.FromReplicas}->{d.ToReplicas} {d.Metric} {d.Observed}: {d.Reason}")));
            Assert.Equal(ScalingMetric.QpsPerReplica, expand.Metric);
            Assert.True(expand.Observed > 0, expand.Reason);
            Assert.Contains("measured: ", expand.Reason, StringComparison.Ordinal);
            var added = scaled.Replicas.First(r => r.Id != first.Id && r.Phase == ReplicaPhase.Ready);
            await cluster.WaitForAsync(() => InferenceCountAsync(http, added.Url!), n => n > 0, $"requests served by the new replica {added.Id}", Patience);
            output.WriteLine($"scale-out {expand.FromReplicas} -> {expand.ToReplicas} ({expand.Kind}) at observed {expand.Observed:0.##} QPS per replica vs target {expand.Target}: {expand.Reason}");

            // 3. Under the same load, kill the first replica's process group by PID: it is replaced, and no request
            // fails — those in flight on the killed process and those sent to it before the gateway noticed are sent
            // again to another replica.
            var victim = first;
            var known = (await cluster.Client.GetServiceAsync(name)).Replicas.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            var served = load.Succeeded;
            var gap = Stopwatch.StartNew();
            Assert.True(Measuring.Posix.SignalGroup(victim.Pid!.Value, Measuring.Posix.SigKill));
            var replaced = await WaitServiceAsync(name, s => s.Replicas.All(r => r.Id != victim.Id) && s.Decisions.Any(d => d.Kind == "Replace"), $"{victim.Id} replaced after SIGKILL");
            var replace = replaced.Decisions.First(d => d.Kind == "Replace");
            Assert.Contains(victim.Id, replace.Reason, StringComparison.Ordinal);
            var replacement = await WaitServiceAsync(name, s => s.Replicas.Any(r => !known.Contains(r.Id) && r.Phase == ReplicaPhase.Ready), "the replacement ready");
            var fresh = replacement.Replicas.First(r => !known.Contains(r.Id) && r.Phase == ReplicaPhase.Ready);
            await cluster.WaitForAsync(() => InferenceCountAsync(http, fresh.Url!), n => n > 0, $"requests served by the replacement {fresh.Id}", Patience);
            await load.StopAsync();
            var resent = cluster.Output().Split('\n').Count(l => l.Contains("sending it to another replica", StringComparison.Ordinal));
            output.WriteLine($"kill: replacement serving after {gap.Elapsed.TotalSeconds:0.#} s; {load.Succeeded - served} requests served meanwhile; the gateway sent {resent} requests to another replica; {replace.Reason}");
            output.WriteLine($"load: {load.Succeeded} requests served, {load.Failures.Count} failed");
            Assert.True(load.Failures.Count == 0, $"{load.Failures.Count} requests failed under load and around the kill: {string.Join('\n', load.Failures.Take(5))}");
        }

        // 4. Load stops (a light trickle continues): scale-in after the stabilization window, draining first, no request fails.
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

        await cluster.Grains.GetGrain<IInferenceServiceGrain>(name).DeleteAsync();
    }

    [Fact]
    public async Task Grpc_ThroughTheGateway_ThenUpdate_RollsOutOneReplicaAtATime_WithoutFailures_AndAVersionFailingReadinessStopsTheRollout()
    {
        const string name = "resnet-roll";
        var url = new Uri(cluster.Gateway, $"/services/{name}/v2/models/resnet18/infer");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        await cluster.Client.DeployServiceAsync(Spec(name, cluster.Models, min: 1, max: 1));
        var one = await WaitServiceAsync(name, s => s.Replicas.Length == 1 && s.Replicas[0].Phase == ReplicaPhase.Ready, "one replica ready");
        await cluster.WaitForAsync(() => StatusAsync(http, new Uri(cluster.Gateway, $"/services/{name}/v2/health/ready")), s => s == 200, "the gateway routing the service");

        // gRPC (HTTP/2) through the gateway's gRPC port, on the same replica (one replica start fewer than a test of its own).
        await AssertGrpcThroughTheGatewayAsync(name, one.Replicas[0]);

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

    /// <summary>gRPC through the gateway reaches the service named in the metadata, or the one serving the request's model.</summary>
    private async Task AssertGrpcThroughTheGatewayAsync(string name, ReplicaView replica)
    {
        Assert.StartsWith("http://127.0.0.1:", replica.GrpcUrl, StringComparison.Ordinal);
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(cluster.GrpcGateway, new global::Grpc.Net.Client.GrpcChannelOptions { MaxReceiveMessageSize = null });
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var service = new global::Grpc.Core.Metadata { { "wpai-service", name } };
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };

        // Routed by the wpai-service metadata: the model answers ready, and an inference is served by this replica.
        await cluster.WaitForAsync(
            async () =>
            {
                try
                {
                    return (await client.ModelReadyAsync(new ModelReadyRequest { Name = "resnet18" }, service)).Ready;
                }
                catch (global::Grpc.Core.RpcException)
                {
                    return false; // routes not pushed yet
                }
            },
            r => r,
            "gRPC ModelReady through the gateway",
            Patience);
        var before = await InferenceCountAsync(http, replica.Url!);
        var answer = await client.ModelInferAsync(InferRequest(), service);
        Assert.Equal("resnet18", answer.ModelName);
        Assert.Equal(512 * 4, Assert.Single(answer.RawOutputContents).Length); // ResNet18's [1,512,1,1] features
        Assert.True(await InferenceCountAsync(http, replica.Url!) > before, "the inference ran on the service's replica");

        // Without metadata: routed by the model named in the request (whichever service serves resnet18 first by name).
        var unnamed = await client.ModelInferAsync(InferRequest());
        Assert.Single(unnamed.RawOutputContents);
        Assert.True((await client.ServerReadyAsync(new ServerReadyRequest())).Ready);

        // A service that does not exist: no route, a gRPC error (not a hang, not another service's answer).
        var missing = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () => await client.ModelInferAsync(InferRequest(), new global::Grpc.Core.Metadata { { "wpai-service", "no-such-service" } }));
        output.WriteLine($"gRPC without a route: {missing.StatusCode}: {missing.Status.Detail}");
    }

    [Fact]
    public async Task Deploy_WhoseReplicaCrashesAtStart_BacksOffBetweenStarts_AndShowsWhy()
    {
        const string name = "resnet-crash";
        await cluster.Client.DeployServiceAsync(Spec(name, cluster.MissingModels, min: 1, max: 1));

        // Two failed starts in a row: the second waits twice as long as the first (2 s, then 4 s), and the service says why.
        var looping = await WaitServiceAsync(name, s => s.Decisions.Count(d => d.Kind == "Backoff") >= 2, "two failed starts backed off");
        var backoffs = looping.Decisions.Where(d => d.Kind == "Backoff").Reverse().ToList();
        output.WriteLine(string.Join('\n', backoffs.Select(d => $"{d.At:HH:mm:ss.fff} {d.Reason}")));
        Assert.Contains("(1 in a row)", backoffs[0].Reason, StringComparison.Ordinal);
        Assert.Contains("the next start waits 2 s", backoffs[0].Reason, StringComparison.Ordinal);
        Assert.Contains("(2 in a row)", backoffs[1].Reason, StringComparison.Ordinal);
        Assert.Contains("the next start waits 4 s", backoffs[1].Reason, StringComparison.Ordinal);
        Assert.Contains("log tail", backoffs[0].Reason, StringComparison.Ordinal);
        Assert.Contains("must name an existing folder", backoffs[0].Reason, StringComparison.Ordinal); // the model server's own error, not a stack trace
        Assert.NotNull(looping.Problem);
        Assert.StartsWith("crash loop: ", looping.Problem, StringComparison.Ordinal);
        output.WriteLine("problem: " + looping.Problem);

        // The grain's own records: the second replica started no sooner than the back-off allowed, so it failed later still.
        Assert.True(backoffs[1].At - backoffs[0].At >= TimeSpan.FromSeconds(2), $"the second start failed {backoffs[1].At - backoffs[0].At} after the first: no back-off");

        await cluster.Grains.GetGrain<IInferenceServiceGrain>(name).DeleteAsync();
    }

    private static ModelInferRequest InferRequest()
    {
        var request = new ModelInferRequest { ModelName = "resnet18" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "Input247", Datatype = "FP32" };
        input.Shape.Add([1, 3, 224, 224]);
        request.Inputs.Add(input);
        request.RawInputContents.Add(global::Google.Protobuf.ByteString.CopyFrom(new byte[3 * 224 * 224 * 4]));
        return request;
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

    /// <summary>How many inferences a replica ran (asked directly, with the replicas' API key).</summary>
    private static async Task<long> InferenceCountAsync(HttpClient http, string replicaUrl)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(replicaUrl + "/v2/models/resnet18/stats"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ServingCluster.ReplicaApiKey);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var stats = await response.Content.ReadAsStringAsync();
        using var json = System.Text.Json.JsonDocument.Parse(stats);
        return json.RootElement.GetProperty("model_stats").EnumerateArray().Sum(m => m.GetProperty("inference_count").GetInt64());
    }
}
