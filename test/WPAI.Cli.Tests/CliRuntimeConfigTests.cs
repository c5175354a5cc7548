using System.Text.Json;

namespace WPAI.Cli.Tests;

/// <summary>
/// The tiered-compilation settings the command line starts with (its build output's <c>WPAI.Cli.runtimeconfig.json</c>,
/// which <c>./wpai</c>'s publish carries): a short process (one replay of a trace) promotes hot methods without the
/// call-counting delay and re-compiles only methods called 1,024 times (README "One command, phase by phase").
/// </summary>
public sealed class CliRuntimeConfigTests
{
    [Theory]
    [InlineData("System.Runtime.TieredCompilation.CallCountingDelayMs", "0")]
    [InlineData("System.Runtime.TieredCompilation.CallCountThreshold", "1024")]
    public void RuntimeConfig_SetsTieredCompilation_ForAShortProcess(string name, string expected)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "WPAI.Cli.runtimeconfig.json");

        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.TryGetProperty(name, out var value), $"{path} does not set {name}");
        Assert.Equal(expected, value.ToString());
    }
}
