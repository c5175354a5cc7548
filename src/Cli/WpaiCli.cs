using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;
using WPAI.Cli.Commands.Simulate;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli;

/// <summary>Builds and runs the <c>wpai</c> command-line application.</summary>
public static class WpaiCli
{
    /// <summary>The table width when output goes to a pipe or file and <c>COLUMNS</c> is not set.</summary>
    public const int RedirectedWidth = 240;

    /// <summary>Runs <c>wpai</c> with <paramref name="args"/>; output goes to <paramref name="output"/>, errors to <paramref name="error"/>.</summary>
    public static Task<int> RunAsync(IEnumerable<string> args, IAnsiConsole output, IAnsiConsole error, IWpaiConnector? connector = null, CancellationToken cancellationToken = default)
    {
        var app = Create(output, error, connector ?? new OrleansConnector());
        return app.RunAsync(SimulateBranch.Route([.. args]), cancellationToken);
    }

    /// <summary>The application with every registered branch; commands get the consoles and the connector by injection.</summary>
    public static CommandApp Create(IAnsiConsole output, IAnsiConsole error, IWpaiConnector connector)
    {
        var services = new ServiceCollection();
        services.AddSingleton(output);
        services.AddSingleton(connector);
        var app = new CommandApp(new TypeRegistrar(services));
        app.Configure(config =>
        {
            config.SetApplicationName("wpai");
            config.UseAssemblyInformationalVersion();
            config.ConfigureConsole(output);
            config.UseStrictParsing();
            config.SetHelpProvider(new WpaiHelpProvider(config.Settings));
            config.SetExceptionHandler((exception, _) => CliErrors.Report(error, exception));
            CommandRegistration.Register(config);
        });
        return app;
    }

    /// <summary>
    /// When standard output is not a terminal (a pipe or a file), tables are not squeezed into 80 columns: the width
    /// is <c>COLUMNS</c> when set, else 240, so every row stays on one line for grep and scripts.
    /// </summary>
    public static void WidenWhenRedirected(IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (!Console.IsOutputRedirected)
        {
            return;
        }

        var columns = Environment.GetEnvironmentVariable("COLUMNS");
        console.Profile.Width = int.TryParse(columns, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var width) && width > 0
            ? width
            : RedirectedWidth;
    }

    /// <summary>A console on standard error, for the one-line error messages.</summary>
    public static IAnsiConsole CreateErrorConsole() =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
}
