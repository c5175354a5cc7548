using System.Globalization;
using System.Reflection;

namespace WPAI.Agent.Tests;

/// <summary>
/// The agent cluster set up to serve: the silo runs the inference gateway on a free port and evaluates services every
/// second with short windows (stabilization 4 s, drain 2 s, load samples of 1 s), its routes following pushed changes
/// only (the safety-net refresh is 4 minutes), and the replicas require an API key that only the gateway sends; both
/// agents register OnlineNormal
/// nodes and run replicas with the model server's build output. A model repository with ResNet18 (the NuGet model,
/// linked, never copied) is laid out under the cluster's directory.
/// </summary>
public sealed class ServingCluster : AgentCluster
{
    private readonly int[] _servePorts = FreePorts.Take(2);

    /// <summary>The API key every replica requires; the gateway sends it, so clients of the gateway need none.</summary>
    public const string ReplicaApiKey = "serving-tests-replica-key";

    public Uri Gateway => new($"http://127.0.0.1:{_servePorts[0]}");

    /// <summary>The gateway's gRPC address (HTTP/2 without TLS).</summary>
    public Uri GrpcGateway => new($"http://127.0.0.1:{_servePorts[1]}");

    public string Models => Path.Combine(Directory, "models");

    /// <summary>A second repository with the same model as version 2 (a roll-out target).</summary>
    public string ModelsV2 => Path.Combine(Directory, "models-v2");

    /// <summary>A repository whose model file is not a model (a roll-out that must fail readiness).</summary>
    public string BrokenModels => Path.Combine(Directory, "models-broken");

    /// <summary>A repository folder that does not exist: the model server exits at start (a crash loop to back off).</summary>
    public string MissingModels => Path.Combine(Directory, "models-missing");

    protected override NodeMode AgentMode => NodeMode.OnlineNormal;

    protected override IEnumerable<string> SiloArguments() =>
    [
        "--serve-port", _servePorts[0].ToString(CultureInfo.InvariantCulture),
        "--serve-grpc-port", _servePorts[1].ToString(CultureInfo.InvariantCulture),

        // Route changes are pushed by the service grains; the safety-net refresh is longer than any wait of the tests,
        // so a route change the push missed fails them.
        "--Wpai:Gateway:RefreshInterval", "00:04:00",
        "--Wpai:Gateway:ReplicaApiKey", ReplicaApiKey,
        "--Wpai:Inference:EvaluationPeriod", "00:00:01",
        "--Wpai:Inference:MetricWindow", "00:00:03",
        "--Wpai:Inference:ScaleDownStabilization", "00:00:04",
        "--Wpai:Inference:DrainTime", "00:00:02",
        "--Wpai:Inference:LoadMaxAge", "00:00:04",
        "--Wpai:Inference:Policy", "Reactive",
        "--Wpai:Inference:StartBackoff", "00:00:02",
        "--Wpai:Inference:StartBackoffMax", "00:00:08",

        // Replaces the 3 s of the agent tests (the last value wins): starting model servers loads the cores, and these
        // tests kill replicas, never agents, so a node must not be declared Down because its agent answered late.
        "--heartbeat-timeout", "00:00:20",
    ];

    protected override IEnumerable<string> AgentArguments(string node) =>
    [
        "--model-server", $"dotnet {TestProcess.InferenceDll}",
        "--replica-load-interval", "00:00:01",
        "--replica-ready-timeout", "00:00:45",
        "--replica-api-key", ReplicaApiKey,
    ];

    public override async Task InitializeAsync()
    {
        var model = ResNet18Path();
        LinkModel(Models, "1", model);
        LinkModel(ModelsV2, "2", model);
        var broken = Path.Combine(BrokenModels, "resnet18", "1");
        System.IO.Directory.CreateDirectory(broken);
        await File.WriteAllTextAsync(Path.Combine(broken, "model.onnx"), "not an ONNX model");
        await base.InitializeAsync();
    }

    private void LinkModel(string repository, string version, string model)
    {
        var folder = Path.Combine(repository, "resnet18", version);
        System.IO.Directory.CreateDirectory(folder);
        File.CreateSymbolicLink(Path.Combine(folder, "model.onnx"), model);
    }

    /// <summary>ResNet18.onnx through the model server's own locator (its build output; no ONNX Runtime is loaded for it).</summary>
    private static string ResNet18Path()
    {
        var assembly = Assembly.LoadFrom(TestProcess.InferenceDll);
        var locate = assembly.GetType("WPAI.Inference.Models.ResNet18Model")!.GetMethod("Locate")!;
        return (string)locate.Invoke(null, null)!;
    }
}
