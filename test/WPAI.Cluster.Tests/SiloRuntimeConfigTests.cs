using System.Text.Json;

namespace WPAI.Cluster.Tests;

/// <summary>The runtime settings the silo process starts with (its build output's <c>WPAI.Silo.runtimeconfig.json</c>).</summary>
public sealed class SiloRuntimeConfigTests
{
    [Fact]
    public void RuntimeConfig_TurnsThreadPoolSpinningOff_ForTheSiloProcess()
    {
        var path = Path.ChangeExtension(RepoPaths.SiloDll, ".runtimeconfig.json");

        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(
            properties.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out var spinLimit),
            $"{path} does not set System.Threading.ThreadPool.UnfairSemaphoreSpinLimit");
        Assert.Equal("0", spinLimit.ToString());
    }
}
