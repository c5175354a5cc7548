using Spectre.Console.Cli;

namespace WPAI.Cli.Commands.Simulate;

/// <summary>
/// <c>wpai simulate</c>: what-if replays through WPAI's real grains on virtual time. The training replay is the branch's
/// default command; <c>simulate mixing</c> and <c>simulate inference</c> are the combined and the autoscaling replays,
/// also written <c>simulate --mixing …</c> and <c>simulate --inference FILES …</c> (see <see cref="Route"/>).
/// </summary>
public static class SimulateBranch
{
    public const string Name = "simulate";

    public static void Register(IConfigurator config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.AddBranch(Name, simulate =>
        {
            simulate.SetDescription("What-if simulation: replay traces through WPAI's real grains on virtual time under several policies and write a report with plots. "
                + "Without a subcommand: training jobs (wpai simulate --synthetic).");
            simulate.SetDefaultCommand<SimulateCommand>();
            simulate.AddExample(Name, "--synthetic");
            simulate.AddExample(Name, "--nodes", "openb_node_list_gpu_node.csv", "--pods", "openb_pod_list_gpuspec33.csv", "--fleet-scale", "0.02", "--sweep-load", "0.5,0.7,0.9,1.1,1.3");
            simulate.AddCommand<SimulateMixingCommand>("mixing")
                .WithDescription("Training and inference together, with each pool's mixing controller lending and reclaiming online nodes (also: wpai simulate --mixing).")
                .WithExample(Name, "--mixing", "--nodes", "openb_node_list_gpu_node.csv", "--pods", "openb_pod_list_gpuspec33.csv", "--inference", "nyc_taxi.csv,Twitter_volume_AAPL.csv");
            simulate.AddCommand<SimulateInferenceCommand>("inference")
                .WithDescription("Inference autoscaling on load traces: wpai against reactive, HPA, KPA and static-peak scaling (also: wpai simulate --inference FILES).")
                .WithExample(Name, "--inference", "nyc_taxi.csv,Twitter_volume_AAPL.csv", "--out", "report-scaling");
        });
    }

    /// <summary>
    /// The documented flag forms as subcommands: <c>simulate … --mixing …</c> becomes <c>simulate mixing …</c>, and
    /// <c>simulate … --inference FILES …</c> (without <c>--mixing</c>, where <c>--inference</c> names the load files of the
    /// combined replay) becomes <c>simulate inference … FILES …</c>. Every option is then parsed by the subcommand's typed settings.
    /// </summary>
    public static IReadOnlyList<string> Route(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count < 2 || args[0] != Name || args[1] is "mixing" or "inference")
        {
            return args;
        }

        var flag = args.Contains("--mixing") ? "--mixing" : args.Contains("--inference") ? "--inference" : null;
        if (flag is null)
        {
            return args;
        }

        var rest = args.Skip(1).ToList();
        rest.RemoveAt(rest.IndexOf(flag));
        return [Name, flag[2..], .. rest];
    }
}
