using WPAI.Abstractions.Contracts;
using WPAI.Domain.Nodes;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Scheduling;

/// <summary>Planner test nodes: a Fixed node of 8 GPUs, 64 cores and 512,000 MiB with half its CPU and memory free.</summary>
internal static class EightGpuNodes
{
    public static NodeSlot WithFree(string name, int freeGpus) =>
        new(name, NodeMode.Fixed, new Resources(8, 64_000, 512_000), new Resources(freeGpus, 32_000, 256_000));
}
