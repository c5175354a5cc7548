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

    /// <summary>
    /// The scheduling benchmark hosts the silo in its own process, so it measures the product only when that process runs
    /// with the silo's runtime settings: garbage collector, thread pool, tiered compilation.
    /// </summary>
    [Fact]
    public void BenchmarkRuntimeConfig_HasTheSilosRuntimeSettings()
    {
        var silo = RuntimeSettings(Path.ChangeExtension(RepoPaths.SiloDll, ".runtimeconfig.json"));
        var benchmark = RuntimeSettings(Path.ChangeExtension(RepoPaths.BenchmarksDll, ".runtimeconfig.json"));

        Assert.NotEmpty(silo);
        Assert.Equal(silo, benchmark);
    }

    private static SortedDictionary<string, string> RuntimeSettings(string path)
    {
        string[] prefixes = ["System.GC.", "System.Threading.", "System.Runtime.TieredCompilation", "System.Runtime.TieredPGO"];
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        return new SortedDictionary<string, string>(
            properties.EnumerateObject()
                .Where(p => prefixes.Any(prefix => p.Name.StartsWith(prefix, StringComparison.Ordinal)))
                .ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.Ordinal),
            StringComparer.Ordinal);
    }
}
