using System.Collections.Immutable;

namespace WPAI.Simulation.Workload;

/// <summary>
/// One job of a workload, on the simulation's own time axis (<see cref="Submit"/> is an offset from time zero).
/// <paramref name="GpuModels"/> is the ordered list of acceptable GPU models; empty means any model.
/// <paramref name="Gpus"/> is the whole-GPU request (a GPU-sharing pod, <paramref name="GpuMilli"/> &lt; 1000, takes one whole GPU).
/// <paramref name="GpuUtilization"/> and <paramref name="CpuUtilization"/> are the fractions of the request the job really uses.
/// <paramref name="Template"/> names the recurring template the job repeats (null: it does not recur).
/// <see cref="Duration"/> is how long it really runs; <see cref="Declared"/> is what it tells the platform at submit.
/// </summary>
public sealed record SimJob(
    string Id,
    TimeSpan Submit,
    TimeSpan Duration,
    int Gpus,
    int GpuMilli,
    int CpuMilli,
    long MemoryMib,
    ImmutableArray<string> GpuModels,
    string Qos,
    string Department = "",
    double GpuUtilization = 0,
    double CpuUtilization = 0,
    string? Template = null)
{
    /// <summary>The run time the job declares at submit (its estimate); null: it declares its true <see cref="Duration"/>.</summary>
    public TimeSpan? DeclaredDuration { get; init; }

    /// <summary>What the job is submitted with as its expected run time (<see cref="DeclaredDuration"/>, else <see cref="Duration"/>).</summary>
    public TimeSpan Declared => DeclaredDuration ?? Duration;

    /// <summary>GPU demand in GPU-seconds (whole GPUs × duration).</summary>
    public double GpuSeconds => Gpus * Duration.TotalSeconds;

    /// <summary>CPU cores × run time: a CPU job's work (the cpu pool's offered load).</summary>
    public double CoreSeconds => CpuMilli / 1000.0 * Duration.TotalSeconds;

    /// <summary>The preferred (first acceptable) model, or null when any model will do.</summary>
    public string? PreferredModel => GpuModels.IsDefaultOrEmpty ? null : GpuModels[0];
}
