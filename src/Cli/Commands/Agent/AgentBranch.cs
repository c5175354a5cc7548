using Spectre.Console.Cli;

namespace WPAI.Cli.Commands.Agent;

/// <summary><c>wpai agent</c>: the node agent (registers the node, runs its jobs as real processes).</summary>
public static class AgentBranch
{
    public static void Register(IConfigurator config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.AddCommand<AgentCommand>("agent")
            .WithDescription("Run the node agent on this machine: register the node, run its jobs as processes, report usage.")
            .WithExample("agent", "--node", "gpu-1", "--pool", "T4", "--gateway", "127.0.0.1:30000", "--gpus", "2");
    }
}
