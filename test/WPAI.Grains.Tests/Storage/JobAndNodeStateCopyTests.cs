using System.Reflection;
using Orleans.Serialization;
using WPAI.Abstractions.Contracts.Agent;
using WPAI.Grains.Jobs;
using WPAI.Grains.Nodes;

namespace WPAI.Grains.Tests.Storage;

/// <summary>
/// The job's and the node's own copies for the in-memory storage hold what Orleans' generated copier's copy holds
/// (compared by their serialized bytes, every persisted member set), and share no container with the original.
/// </summary>
public sealed class JobAndNodeStateCopyTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly DepartmentStateSerialization _orleans = new();

    public void Dispose() => _orleans.Dispose();

    private Serializer Serializer => _orleans.Serializer;

    [Fact]
    public void JobCopyForStorage_HoldsWhatOrleansCopyHolds_WithEveryPersistedMemberSet()
    {
        var state = JobSample();
        AssertEveryMemberSet(state, () => new JobState());

        Assert.Equal(Bytes(_orleans.Copier.Copy(state)), Bytes(state.CopyForStorage()));
    }

    [Fact]
    public void NodeCopyForStorage_HoldsWhatOrleansCopyHolds_WithEveryPersistedMemberSet()
    {
        var state = NodeSample();
        AssertEveryMemberSet(state, () => new NodeState());

        Assert.Equal(Bytes(_orleans.Copier.Copy(state)), Bytes(state.CopyForStorage()));
    }

    [Fact]
    public void CopyForStorage_SharesNoContainer_WithTheOriginal()
    {
        var job = JobSample();
        var node = NodeSample();
        var (jobBefore, nodeBefore) = (Bytes(job), Bytes(node));

        var jobCopy = job.CopyForStorage();
        jobCopy.History.Clear();
        jobCopy.GpuSamples.Clear();
        jobCopy.Runs.Clear();
        jobCopy.Usage.Clear();
        var nodeCopy = node.CopyForStorage();
        nodeCopy.Allocations.Clear();
        nodeCopy.Transitions.Clear();

        Assert.Equal(jobBefore, Bytes(job));
        Assert.Equal(nodeBefore, Bytes(node));
    }

    private void AssertEveryMemberSet<T>(T sample, Func<T> empty)
    {
        var emptyBytes = Bytes(empty());
        foreach (var member in typeof(T).GetProperties().Where(p => p.GetCustomAttribute<IdAttribute>() is not null))
        {
            var one = empty();
            member.SetValue(one, member.GetValue(sample));
            Assert.False(emptyBytes.SequenceEqual(Bytes(one)), $"the sample leaves {typeof(T).Name}.{member.Name} at its default: set it here and copy it in CopyForStorage");
        }
    }

    private byte[] Bytes<T>(T state) => Serializer.SerializeToArray(state);

    private static JobState JobSample()
    {
        var placement = new Placement("n1", "T4", new Resources(2, 1_000, 1_024), Tier.Own, At, 2);
        var state = new JobState
        {
            Spec = new JobSpec("j1", "research", ["T4"], 2, 1_000, 1_024, TimeSpan.FromHours(1), Template: "train"),
            Status = JobStatus.Running,
            Requested = new Resources(2, 1_000, 1_024),
            Placement = placement,
            SubmittedAt = At,
            QueuedAt = At.AddMinutes(1),
            WaitedBefore = TimeSpan.FromMinutes(3),
            Attempt = 2,
            PreemptedBy = "j0",
            PeakGpuMemory = 0.4,
            CpuSum = 1_500,
            CpuCount = 2,
            CpuPeak = 900,
            EffectiveGpuUtilization = 0.6,
            Pools = ["T4", "P40"],
            Outcome = "running",
            ReclaimedFrom = "n0",
            Reclaims = 1,
            Retries = 1,
            LostRuns = 1,
            Releasing = placement with { Attempt = 1 },
            ReleasedAt = At.AddMinutes(2),
        };
        state.History.Add(new JobEvent(At, "submitted", "queued in T4"));
        state.GpuSamples.AddRange([0.5, 0.7]);
        state.Runs.Add(new RunRecord(1, "n0", [0, 1], At, At.AddMinutes(2), "reclaimed"));
        state.Usage.Add(new UsagePoint(At, TimeSpan.FromMinutes(1), 1, 3, 800, 900, 3, 0.6, 0.4));
        return state;
    }

    private static NodeState NodeSample()
    {
        var state = new NodeState
        {
            Spec = new NodeSpec("n1", "T4", 8, 64_000, 512_000),
            Mode = NodeMode.OfflineNormal,
            Target = NodeMode.OnlineNormal,
            Version = 7,
            Cordoned = true,
        };
        state.Allocations["j1"] = new NodeAllocation("j1", AllocationKind.TrainingJob, new Resources(2, 1_000, 1_024), At, [0, 1]);
        state.Transitions.Add(new ModeTransition(NodeMode.Fixed, NodeMode.Unnormal, NodeMode.OnlineNormal, At, "handover"));
        return state;
    }
}
