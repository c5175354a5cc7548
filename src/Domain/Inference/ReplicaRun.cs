using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Domain.Inference;

/// <summary>
/// A model-server replica as a run for a node agent: a job spec whose id is the replica id and whose command starts
/// with <see cref="ModelServer"/>, the logical name each agent resolves to its own model-server program (as a container
/// runtime resolves an image), followed by the server's arguments. The agent adds the address (a free port) and where
/// the server writes its load.
/// </summary>
public static class ReplicaRun
{
    /// <summary>The first word of a replica's command; the agent's <c>--model-server</c> replaces it.</summary>
    public const string ModelServer = "wpai-model-server";

    /// <summary>Time between SIGTERM and SIGKILL when a replica stops: in-flight requests finish within it.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    /// <summary>The run of <paramref name="replica"/> of <paramref name="spec"/>, serving the replica's model repository.</summary>
    public static JobSpec Spec(InferenceServiceSpec spec, ReplicaView replica)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(replica);
        var repository = replica.ModelRepository ?? spec.ModelRepository
            ?? throw new InvalidOperationException($"service {spec.Name} names no model repository, so its replicas have nothing to serve");
        var r = spec.ReplicaResources;
        return new JobSpec(
            replica.Id, "inference", [spec.Pool], r.Gpus, r.CpuMilli, r.MemoryMib, TimeSpan.Zero,
            Command: [ModelServer, "--models", repository],
            GracePeriod: Grace);
    }

    /// <summary>True when <paramref name="command"/> asks for the node's model server.</summary>
    public static bool IsModelServer(ImmutableArray<string> command) =>
        !command.IsDefaultOrEmpty && string.Equals(command[0], ModelServer, StringComparison.Ordinal);
}
