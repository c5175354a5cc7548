using System.Diagnostics;

namespace WPAI.Kubernetes.Tests;

/// <summary>
/// Every manifest in deploy/kubernetes and every object the driver produces loads with KubernetesClient's YAML loader in
/// strict mode (an unknown field is an error) and is read by Debian's kubectl offline (<c>kubectl label --local</c>).
/// </summary>
public sealed class ManifestTests
{
    public static TheoryData<string> DeployManifests() => [.. Directory.GetFiles(DeployDirectory(), "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(DeployManifests))]
    public void DeployManifest_LoadsStrictly(string file)
    {
        var objects = KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(DeployDirectory(), file)), strict: true);
        Assert.NotEmpty(objects);
        Assert.All(objects, o => Assert.IsAssignableFrom<IKubernetesObject>(o));
    }

    [Theory]
    [MemberData(nameof(DeployManifests))]
    public async Task DeployManifest_IsReadByKubectlOffline(string file)
    {
        var path = Path.Combine(DeployDirectory(), file);
        var names = await KubectlLabelLocalAsync(path);
        Assert.Equal(KubernetesYaml.LoadAllFromString(File.ReadAllText(path), strict: true).Count, names.Count);
    }

    [Fact]
    public void StrictLoader_RejectsAnUnknownField()
    {
        const string yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  nodeNmae: gpu-1\n  containers: []\n";
        Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(yaml, strict: true));
        Assert.Single(KubernetesYaml.LoadAllFromString(yaml, strict: false));
    }

    [Fact]
    public async Task DriverObjects_LoadStrictly_AndAreReadByKubectlOffline()
    {
        var options = new KubernetesDriverOptions { Namespace = "wpai", DefaultImage = "registry.example/train:1" };
        var spec = new JobSpec("resnet/run 7", "Vision Team", ["A100"], 4, 12_000, 64_000, TimeSpan.FromHours(3));
        var pod = JobPodTemplate.Build(spec, new Placement("gpu-1", "A100", new Resources(4, 12_000, 64_000), Tier.Own, DateTimeOffset.UnixEpoch, 2), options);
        var node = new V1Node { ApiVersion = "v1", Kind = "Node", Metadata = new V1ObjectMeta { Name = "gpu-1" }, Spec = new V1NodeSpec() };
        var patch = NodeModeMirror.Patch(node, NodeMode.OfflineNormal)!;
        patch.ApiVersion = "v1";
        patch.Kind = "Node";
        patch.Metadata.Name = "gpu-1";

        var service = new WPAI.Abstractions.Contracts.Inference.InferenceServiceSpec("bert", "bert", "A100", new Resources(1, 2_000, 8_000), 80, 1, 4,
            ImmutableDictionary<WPAI.Abstractions.Contracts.Inference.ScalingMetric, double>.Empty, TimeSpan.FromMilliseconds(100), 0.02);
        var replica = ReplicaPodTemplate.Build(service, new WPAI.Abstractions.Contracts.Inference.ReplicaView("bert-r1", "gpu-2", DateTimeOffset.UnixEpoch), options, "registry.example/model-server:1");
        var serviceObject = ReplicaPodTemplate.Service("bert", options);

        var directory = Directory.CreateTempSubdirectory("wpai-manifests-").FullName;
        try
        {
            foreach (var (name, obj) in new (string, object)[] { ("pod.yaml", pod), ("node-patch.yaml", patch), ("replica.yaml", replica), ("service.yaml", serviceObject) })
            {
                var yaml = KubernetesYaml.Serialize(obj);
                var loaded = Assert.Single(KubernetesYaml.LoadAllFromString(yaml, strict: true));
                Assert.Equal(KubernetesJson.Serialize(obj), KubernetesJson.Serialize(loaded));
                var path = Path.Combine(directory, name);
                await File.WriteAllTextAsync(path, yaml);
                Assert.Single(await KubectlLabelLocalAsync(path));
            }

            Assert.Equal("wpai-resnet-run-7-0f2463ae-2", pod.Metadata.Name);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Runs <c>kubectl label --local -f FILE x=y -o name</c> (the one on PATH, or <c>WPAI_KUBECTL</c>) with no cluster
    /// configured; returns the names it printed.
    /// </summary>
    private static async Task<List<string>> KubectlLabelLocalAsync(string path)
    {
        var kubectl = Environment.GetEnvironmentVariable("WPAI_KUBECTL") ?? Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists);
        Assert.True(kubectl is not null, "kubectl is not on PATH: run scripts/kubectl.sh (test.sh does) or apt-get install kubernetes-client");
        var start = new ProcessStartInfo(kubectl!, ["label", "--local", "-f", path, "wpai.io/check=yes", "-o", "name"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["KUBECONFIG"] = Path.Combine(Path.GetTempPath(), "wpai-no-such-kubeconfig");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"kubectl label --local -f {path} failed ({process.ExitCode}): {await error}");
        return [.. (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    private static string DeployDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "deploy", "kubernetes");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("deploy/kubernetes was not found above " + AppContext.BaseDirectory);
    }
}
