using Spectre.Console.Cli;

namespace WPAI.Cli.Commands.Cluster;

/// <summary><c>wpai cluster status</c>.</summary>
public static class ClusterBranch
{
    public static void Register(IConfigurator config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.AddBranch("cluster", cluster =>
        {
            cluster.SetDescription("The silos of the cluster.");
            cluster.AddCommand<ClusterStatusCommand>("status").WithDescription("List silos: address, name, status, start, last heartbeat, activations.");
        });
    }
}
