using System.Collections.Immutable;

namespace WPAI.Abstractions.Contracts.Agent;

/// <summary>
/// A node agent started attempt <paramref name="Attempt"/> of a job as process <paramref name="Pid"/> (its own process group);
/// for a model-server replica, <paramref name="Url"/> is the address it serves REST on and <paramref name="GrpcUrl"/> gRPC.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.run-started")]
public sealed record RunStarted(string JobId, int Attempt, int Pid, ImmutableArray<int> GpuIndices, string RunDirectory, string LogFile, DateTimeOffset At, string? Url = null, string? GrpcUrl = null);
