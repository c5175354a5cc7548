using Spectre.Console.Cli;

namespace WPAI.Cli.Commands.Simulate;

/// <summary><c>wpai simulate</c>: replays a trace (or a generated workload) through WPAI's grains on virtual time.</summary>
public static class SimulateBranch
{
    public static void Register(IConfigurator config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.AddCommand<SimulateCommand>("simulate")
            .WithDescription("What-if simulation: replay a GPU trace through WPAI's real grains under several policies and write a report with plots.")
            .WithExample("simulate", "--synthetic")
            .WithExample("simulate", "--nodes", "openb_node_list_gpu_node.csv", "--pods", "openb_pod_list_gpuspec33.csv", "--fleet-scale", "0.02", "--sweep-load", "0.5,0.7,0.9,1.1,1.3");
    }
}
