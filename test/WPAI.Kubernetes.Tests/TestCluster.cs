namespace WPAI.Kubernetes.Tests;

/// <summary>The stand-in cluster most tests start from: two A100 nodes with 8 GPUs each and one CPU node.</summary>
public static class TestCluster
{
    public const string Pool = "NVIDIA-A100-SXM4-80GB";

    public static void TwoGpuNodes(FakeKubeApiServer server)
    {
        server.AddNode("gpu-1", new Dictionary<string, string> { ["nvidia.com/gpu.product"] = Pool }, 8, "64", "512Gi");
        server.AddNode("gpu-2", new Dictionary<string, string> { ["nvidia.com/gpu.product"] = Pool }, 8, "63500m", "256Gi");
        server.AddNode("cpu-1", new Dictionary<string, string>(), 0, "16", "64Gi");
    }
}
