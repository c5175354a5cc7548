using Spectre.Console.Cli;
using WPAI.Agent.Hosting;

namespace WPAI.Cli.Commands.Agent;

/// <summary><c>wpai agent --node NAME --pool MODEL --gateway HOST:PORT</c>: runs the node agent in this process until Ctrl+C.</summary>
public sealed class AgentCommand : AsyncCommand<AgentSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, AgentSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return AgentHost.RunAsync(settings.ToArgs());
    }
}
