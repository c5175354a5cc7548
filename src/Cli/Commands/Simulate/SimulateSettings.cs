using System.ComponentModel;
using Spectre.Console.Cli;

namespace WPAI.Cli.Commands.Simulate;

public sealed class SimulateSettings : CommandSettings
{
    [CommandOption("--nodes <FILE>"), Description("Node list (openb_node_list_gpu_node.csv): pools = GPU models.")]
    public string? Nodes { get; init; }

    [CommandOption("--pods <FILE>"), Description("Pod list (openb_pod_list_*.csv).")]
    public string? Pods { get; init; }

    [CommandOption("--synthetic"), Description("Generate a Philly-shaped workload instead of reading a trace.")]
    public bool Synthetic { get; init; }

    [CommandOption("--jobs <N>"), Description("Synthetic jobs (default 2000).")]
    public int? Jobs { get; init; }

    [CommandOption("--node-count <N>"), Description("Synthetic nodes (default 40).")]
    public int? NodeCount { get; init; }

    [CommandOption("--days <N>"), Description("Synthetic arrival window in days (default 7).")]
    public double? Days { get; init; }

    [CommandOption("--policies <LIST>"), Description("wpai, static-quota, fifo, wpai-no-borrow, wpai-no-fallback, wpai-no-rightsize (default wpai,static-quota,fifo).")]
    public string? Policies { get; init; }

    [CommandOption("--offered-load <R>"), Description("GPU demand / (fleet GPUs × arrival window); compresses arrivals.")]
    public double? OfferedLoad { get; init; }

    [CommandOption("--sweep-load <LIST>"), Description("Several offered loads, e.g. 0.5,0.7,0.9,1.1,1.3.")]
    public string? SweepLoad { get; init; }

    [CommandOption("--fleet-scale <F>"), Description("Keep this fraction of each pool's nodes (default 1).")]
    public double? FleetScale { get; init; }

    [CommandOption("--quota-mode <MODE>"), Description("equal (default) or proportional.")]
    public string? QuotaMode { get; init; }

    [CommandOption("--max-duration <DURATION>"), Description("Leave out longer jobs (services), default 7d.")]
    public string? MaxDuration { get; init; }

    [CommandOption("--seed <N>"), Description("Seed of every random draw (default 1).")]
    public int? Seed { get; init; }

    [CommandOption("--out <DIR>"), Description("Report folder (default simulation-report).")]
    public string? Out { get; init; }

    /// <summary>The same options as the library's argument list.</summary>
    public IReadOnlyList<string> ToArguments()
    {
        var args = new List<string>();
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                args.Add(name);
                args.Add(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!);
            }
        }

        Add("--nodes", Nodes);
        Add("--pods", Pods);
        if (Synthetic)
        {
            args.Add("--synthetic");
        }

        Add("--jobs", Jobs);
        Add("--node-count", NodeCount);
        Add("--days", Days);
        Add("--policies", Policies);
        Add("--offered-load", OfferedLoad);
        Add("--sweep-load", SweepLoad);
        Add("--fleet-scale", FleetScale);
        Add("--quota-mode", QuotaMode);
        Add("--max-duration", MaxDuration);
        Add("--seed", Seed);
        Add("--out", Out);
        return args;
    }
}
