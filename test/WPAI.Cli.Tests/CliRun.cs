using Spectre.Console.Testing;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Tests;

/// <summary>The outcome of one <c>wpai</c> invocation in-process.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static async Task<CliRun> RunAsync(IWpaiConnector connector, params string[] args)
    {
        using var output = new TestConsole().Width(200);
        using var error = new TestConsole().Width(200);
        var code = await WpaiCli.RunAsync(args, output, error, connector);
        return new CliRun(code, Normalize(output.Output), Normalize(error.Output));
    }

    /// <summary>Trailing spaces trimmed from every line, line ends as \n.</summary>
    public static string Normalize(string text) =>
        string.Join('\n', text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd()));
}
