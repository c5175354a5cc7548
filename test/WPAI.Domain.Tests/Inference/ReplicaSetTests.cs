using WPAI.Abstractions.Contracts.Inference;
using WPAI.Domain.Inference;

namespace WPAI.Domain.Tests.Inference;

public sealed class ReplicaSetTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Replica_GoesPlacedStartingReady_OnlyForward()
    {
        var set = new ReplicaSet([new ReplicaView("s/replica-0", "n1", T0)]);

        Assert.False(set.Probed("s/replica-0", ready: true, null)); // not started: a probe cannot make it ready
        Assert.True(set.Started("s/replica-0", 42, "http://127.0.0.1:9000"));
        Assert.False(set.Started("s/replica-0", 43, "http://127.0.0.1:9001")); // a repeated start report changes nothing
        Assert.False(set.Probed("s/replica-0", ready: false, null));
        Assert.True(set.Probed("s/replica-0", ready: true, null));
        Assert.False(set.Probed("s/replica-0", ready: true, null));

        var replica = Assert.Single(set.All);
        Assert.Equal((ReplicaPhase.Ready, 42, "http://127.0.0.1:9000"), (replica.Phase, replica.Pid, replica.Url));
        Assert.True(replica.Routable);
        Assert.Equal(1, set.Ready);
    }

    [Fact]
    public void BeginDrain_PicksNotReadyFirst_ThenNewest_AndDrainedWaitsTheDrainTime()
    {
        var set = new ReplicaSet(
        [
            Ready("s/replica-0", T0),
            Ready("s/replica-1", T0.AddSeconds(10)),
            new ReplicaView("s/replica-2", "n2", T0.AddSeconds(20), ReplicaPhase.Starting, "http://127.0.0.1:9002", 12),
        ]);

        var drained = set.BeginDrain(2, T0.AddMinutes(1), "scale-in");

        Assert.Equal(["s/replica-2", "s/replica-1"], drained.Select(r => r.Id));
        Assert.Equal(1, set.Serving);
        Assert.False(Assert.Single(set.All, r => r.Id == "s/replica-1").Routable);
        Assert.Empty(set.Drained(T0.AddMinutes(1).AddSeconds(9), TimeSpan.FromSeconds(10)));
        Assert.Equal(["s/replica-1", "s/replica-2"], set.Drained(T0.AddMinutes(1).AddSeconds(10), TimeSpan.FromSeconds(10)).Select(r => r.Id));
    }

    [Fact]
    public void Measured_SumsFreshLoadsOfReadyReplicas_WorstP99_WeightedErrors_CpuOverRequest()
    {
        var now = T0.AddMinutes(5);
        var set = new ReplicaSet(
        [
            Ready("s/replica-0", T0) with { Load = new ReplicaLoadSample(now.AddSeconds(-2), 30, 20, 80, 1, 0.5, 500) },
            Ready("s/replica-1", T0) with { Load = new ReplicaLoadSample(now.AddSeconds(-3), 10, 30, 120, 2, 0.0, 1500) },
            Ready("s/replica-2", T0) with { Load = new ReplicaLoadSample(now.AddSeconds(-60), 99, 99, 999, 9, 0.9, 9000) }, // stale
        ]);

        var m = set.Measured(now, TimeSpan.FromSeconds(30), cpuMilliPerReplica: 1000)!;

        Assert.Equal((40.0, 1.0, 120.0, 0.375), (m.TotalQps, m.CpuUtilization, m.LatencyP99Ms, m.ErrorRate));
        Assert.Null(new ReplicaSet([]).Measured(now, TimeSpan.FromSeconds(30), 1000));
    }

    private static ReplicaView Ready(string id, DateTimeOffset at) => new(id, "n1", at, ReplicaPhase.Ready, "http://127.0.0.1:9000", 1);

    [Fact]
    public void Routes_ChangeExactlyWhenTheRoutableReplicasDo()
    {
        var set = new ReplicaSet([new ReplicaView("s/replica-0", "n1", T0)]);
        Assert.Equal(string.Empty, set.Routes);
        set.Started("s/replica-0", 42, "http://127.0.0.1:9000", "http://127.0.0.1:9001");
        Assert.Equal(string.Empty, set.Routes); // starting: not routable yet
        set.Probed("s/replica-0", ready: true, null);
        var ready = set.Routes;
        Assert.Equal("s/replica-0=http://127.0.0.1:9000;http://127.0.0.1:9001", ready);
        set.Probed("s/replica-0", ready: true, new ReplicaLoadSample(T0, 3, 1, 2, 0, 0, 100, null));
        Assert.Equal(ready, set.Routes); // a new load sample is no route change
        set.BeginDrain(1, T0.AddMinutes(1), "scale-in");
        Assert.Equal(string.Empty, set.Routes);
    }
}
