using WPAI.Abstractions.Contracts.Inference;
using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Inference;

namespace WPAI.Domain.Tests.Inference;

public sealed class ServiceRolloutTests
{
    private const string Old = "/models/v1";
    private const string New = "/models/v2";
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Next_StartsASurge_WaitsForIt_ThenDrainsTheOldestOld_UntilDone()
    {
        List<ReplicaView> replicas = [Replica(0, Old, ReplicaPhase.Ready), Replica(1, Old, ReplicaPhase.Ready)];
        Assert.Equal(new RolloutStep(RolloutAction.Start, null), ServiceRollout.Next(replicas, 2, New));

        replicas.Add(Replica(2, New, ReplicaPhase.Starting));
        Assert.Equal(new RolloutStep(RolloutAction.Wait, null), ServiceRollout.Next(replicas, 2, New));

        replicas[2] = replicas[2] with { Phase = ReplicaPhase.Ready };
        Assert.Equal(new RolloutStep(RolloutAction.Drain, "s/replica-0"), ServiceRollout.Next(replicas, 2, New));

        replicas[0] = replicas[0] with { Phase = ReplicaPhase.Draining };
        Assert.Equal(new RolloutStep(RolloutAction.Start, null), ServiceRollout.Next(replicas, 2, New));

        replicas.Add(Replica(3, New, ReplicaPhase.Ready));
        replicas[1] = replicas[1] with { Phase = ReplicaPhase.Draining };
        Assert.Equal(new RolloutStep(RolloutAction.Done, null), ServiceRollout.Next(replicas, 2, New));
    }

    [Fact]
    public void Validate_RefusesWithoutProcesses_RelativePaths_TheSameRepository_AndASecondRollout()
    {
        var spec = new InferenceServiceSpec("s", "m", "T4", new Resources(1, 1000, 1024), 10, 1, 3, ImmutableDictionary<ScalingMetric, double>.Empty, TimeSpan.FromSeconds(1), 0.01, Old);

        Assert.Contains("--driver agent", Assert.Throws<WpaiValidationException>(() => ServiceRollout.Validate(spec, New, runsProcesses: false, rolling: null)).Message, StringComparison.Ordinal);
        Assert.Contains("absolute", Assert.Throws<WpaiValidationException>(() => ServiceRollout.Validate(spec, "models/v2", true, null)).Message, StringComparison.Ordinal);
        Assert.Contains("already", Assert.Throws<WpaiValidationException>(() => ServiceRollout.Validate(spec, Old, true, null)).Message, StringComparison.Ordinal);
        Assert.Contains("in progress", Assert.Throws<WpaiValidationException>(() => ServiceRollout.Validate(spec, New, true, "/models/v3")).Message, StringComparison.Ordinal);
        ServiceRollout.Validate(spec, New, true, null);
    }

    private static ReplicaView Replica(int ordinal, string models, ReplicaPhase phase) =>
        new($"s/replica-{ordinal}", "n1", T0.AddSeconds(ordinal), phase, "http://127.0.0.1:900" + ordinal, 100 + ordinal, models);
}
