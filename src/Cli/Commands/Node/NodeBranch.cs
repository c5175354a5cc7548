using Spectre.Console.Cli;

namespace WPAI.Cli.Commands.Node;

/// <summary><c>wpai node add|list|show</c>.</summary>
public static class NodeBranch
{
    public static void Register(IConfigurator config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.AddBranch("node", node =>
        {
            node.SetDescription("Register and inspect GPU/CPU nodes.");
            node.AddCommand<NodeAddCommand>("add")
                .WithDescription("Register a node (idempotent for identical hardware).")
                .WithExample("node", "add", "t4-a", "--pool", "T4", "--gpus", "4", "--cpu", "32", "--memory", "256Gi");
            node.AddCommand<NodeListCommand>("list")
                .WithDescription("List nodes with their mode and allocation.")
                .WithExample("node", "list", "--pool", "T4");
            node.AddCommand<NodeShowCommand>("show")
                .WithDescription("Show one node: capacity, allocations, mode changes.")
                .WithExample("node", "show", "t4-a");
        });
    }
}
