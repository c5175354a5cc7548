using Spectre.Console.Cli;

namespace WPAI.Cli.Commands.Node;

/// <summary><c>wpai node add|list|show|set-mode|cordon|uncordon|remove</c>.</summary>
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
            node.AddCommand<NodeSetModeCommand>("set-mode")
                .WithDescription("Change a node's mode by hand (online-normal, offline-normal, unnormal, fixed, down).")
                .WithExample("node", "set-mode", "t4-a", "down", "--reason", "disk failure");
            node.AddCommand<NodeCordonCommand>("cordon")
                .WithDescription("Place nothing new on the node; what runs there goes on.")
                .WithExample("node", "cordon", "t4-a");
            node.AddCommand<NodeUncordonCommand>("uncordon")
                .WithDescription("Let the node take new work again.")
                .WithExample("node", "uncordon", "t4-a");
            node.AddCommand<NodeRemoveCommand>("remove")
                .WithDescription("Remove a node; refused while runs are on it unless --drain.")
                .WithExample("node", "remove", "t4-a", "--drain", "--timeout", "10m");
        });
    }
}
