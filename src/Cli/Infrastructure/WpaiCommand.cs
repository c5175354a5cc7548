using Spectre.Console;
using Spectre.Console.Cli;
using WPAI.Client;

namespace WPAI.Cli.Infrastructure;

/// <summary>
/// A command that talks to the cluster: connects with the settings' gateways, runs, and closes the session.
/// Errors are left to the application's handler (<see cref="CliErrors"/>), which prints one line and sets the exit code.
/// </summary>
public abstract class WpaiCommand<TSettings>(IAnsiConsole console, IWpaiConnector connector) : AsyncCommand<TSettings>
    where TSettings : WpaiSettings
{
    /// <summary>Where results go.</summary>
    protected IAnsiConsole Console { get; } = console;

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(context);
        settings.AcceptRemaining(context.Remaining.Raw);
        await using var session = await connector.ConnectAsync(settings.ToClientOptions(), cancellationToken);
        return await RunAsync(session.Client, settings, cancellationToken);
    }

    /// <summary>The command's work; returns the exit code.</summary>
    protected abstract Task<int> RunAsync(IWpaiClient client, TSettings settings, CancellationToken cancellationToken);

    /// <summary>Prints <paramref name="value"/> as JSON when <c>--output json</c>, else calls <paramref name="renderTable"/>.</summary>
    protected int Print<T>(TSettings settings, T value, Action<IAnsiConsole, T> renderTable)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(renderTable);
        if (settings.Format == OutputFormat.Json)
        {
            JsonOutput.Write(Console, value);
        }
        else
        {
            renderTable(Console, value);
        }

        return ExitCodes.Success;
    }
}
