using System.ComponentModel;
using Spectre.Console.Cli;

namespace WPAI.Cli.Commands.Agent;

/// <summary>The node agent's options (the same switches as <c>dotnet run --project src/Agent -- …</c>).</summary>
public sealed class AgentSettings : CommandSettings
{
    [CommandOption("--node <NAME>")]
    [Description("This node's name")]
    public string? Node { get; set; }

    [CommandOption("--pool <MODEL>")]
    [Description("Its pool: the GPU model, or cpu")]
    public string? Pool { get; set; }

    [CommandOption("--gateway <HOST:PORT>")]
    [Description("Silo gateway(s), comma-separated")]
    public string? Gateway { get; set; }

    [CommandOption("--cluster-id <ID>")]
    [Description("Orleans cluster id. Default: wpai-local")]
    public string? ClusterId { get; set; }

    [CommandOption("--gpus <N>")]
    [Description("GPUs to declare. Default: what nvidia-smi lists, else 0")]
    public string? Gpus { get; set; }

    [CommandOption("--cpu-milli <M>")]
    [Description("CPU to declare in millicores. Default: the machine's cores")]
    public string? CpuMilli { get; set; }

    [CommandOption("--memory-mib <MIB>")]
    [Description("Memory to declare in MiB. Default: the machine's")]
    public string? MemoryMib { get; set; }

    [CommandOption("--mode <MODE>")]
    [Description("Mode to register in: Fixed (default), OfflineNormal or OnlineNormal")]
    public string? Mode { get; set; }

    [CommandOption("--state-dir <DIR>")]
    [Description("Runs, logs, checkpoints and the state file. Default: ./wpai-agent/NODE")]
    public string? StateDirectory { get; set; }

    [CommandOption("--grace <HH:MM:SS>")]
    [Description("SIGTERM → SIGKILL grace for jobs that name none. Default 00:00:30")]
    public string? Grace { get; set; }

    [CommandOption("--sample-interval <HH:MM:SS>")]
    [Description("Usage sampling period. Default 00:00:05")]
    public string? SampleInterval { get; set; }

    [CommandOption("--heartbeat <HH:MM:SS>")]
    [Description("Report (heartbeat) period. Default 00:00:02")]
    public string? Heartbeat { get; set; }

    [CommandOption("--nvidia-smi <PROGRAM>")]
    [Description("The nvidia-smi program. Default: nvidia-smi on PATH")]
    public string? NvidiaSmi { get; set; }

    /// <summary>The agent host's command line for these settings.</summary>
    public string[] ToArgs() =>
    [
        .. Pair("--node", Node), .. Pair("--pool", Pool), .. Pair("--gateway", Gateway), .. Pair("--cluster-id", ClusterId),
        .. Pair("--gpus", Gpus), .. Pair("--cpu-milli", CpuMilli), .. Pair("--memory-mib", MemoryMib), .. Pair("--mode", Mode),
        .. Pair("--state-dir", StateDirectory), .. Pair("--grace", Grace), .. Pair("--sample-interval", SampleInterval),
        .. Pair("--heartbeat", Heartbeat), .. Pair("--nvidia-smi", NvidiaSmi),
    ];

    private static string[] Pair(string option, string? value) => value is null ? [] : [option, value];
}
