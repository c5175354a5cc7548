using Spectre.Console.Cli;
using Spectre.Console.Testing;
using WPAI.Cli.Commands.Simulate;

namespace WPAI.Cli.Tests.Simulate;

/// <summary>Parses a <c>wpai</c> command line with the real application and returns the bound settings without running the command.</summary>
internal sealed class SettingsCapture : ICommandInterceptor
{
    private CommandSettings? _settings;

    public void Intercept(CommandContext context, CommandSettings settings)
    {
        _settings = settings;
        throw new OperationCanceledException("settings captured; the command does not run");
    }

    public static async Task<T> ParseAsync<T>(params string[] args)
        where T : CommandSettings
    {
        using var output = new TestConsole();
        using var error = new TestConsole();
        var capture = new SettingsCapture();
        var app = WpaiCli.Create(output, error, new RecordingClient());
        app.Configure(c => c.SetInterceptor(capture));
        await app.RunAsync(SimulateBranch.Route(args));
        return Assert.IsType<T>(capture._settings, exactMatch: true);
    }
}
