using System.Reflection;
using Orleans.Serialization;
using WPAI.Grains.Departments;

namespace WPAI.Grains.Tests.Storage;

/// <summary>
/// The department state's own copy for the in-memory storage holds what Orleans' generated copier's copy holds (compared
/// by their serialized bytes, every persisted member set), and shares no container with the original.
/// </summary>
public sealed class DepartmentStateCopyTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly DepartmentStateSerialization _orleans = new();

    public void Dispose() => _orleans.Dispose();

    private Serializer Serializer => _orleans.Serializer;

    [Fact]
    public void CopyForStorage_HoldsWhatOrleansCopyHolds_WithEveryPersistedMemberSet()
    {
        var state = Sample();
        var empty = Bytes(new DepartmentState());
        foreach (var member in typeof(DepartmentState).GetProperties().Where(p => p.GetCustomAttribute<IdAttribute>() is not null))
        {
            var one = new DepartmentState();
            member.SetValue(one, member.GetValue(state));
            Assert.False(empty.SequenceEqual(Bytes(one)), $"the sample leaves {member.Name} at its default: set it here and copy it in CopyForStorage");
        }

        var orleans = _orleans.Copier.Copy(state);

        Assert.Equal(Bytes(orleans), Bytes(state.CopyForStorage()));
    }

    [Fact]
    public void CopyForStorage_SharesNoContainer_WithTheOriginal()
    {
        var state = Sample();
        var before = Bytes(state);

        var copy = state.CopyForStorage();
        copy.Exists = false;
        copy.Quota["T4"] = 1;
        copy.Running.Remove("j1");
        copy.LegacyRecent.Clear();
        copy.RecentUtilization.Clear();
        copy.TemplateRuns["train"].Add(new RunUsage(1, 0.1, 1, 1));
        copy.TemplateRuns.Remove("other");
        copy.PeriodGpuAverage["T4"].Add(9);
        copy.PeakGpus["T4"] = 0;
        copy.PeriodGpuSeconds["T4"] = 0;

        Assert.Equal(before, Bytes(state));
    }

    private byte[] Bytes(DepartmentState state) => Serializer.SerializeToArray(state);

    private static DepartmentState Sample()
    {
        var state = new DepartmentState
        {
            Exists = true,
            PeriodStart = At,
            LastAccrual = At.AddMinutes(5),
        };
        state.Quota["T4"] = 8;
        state.Running["j1"] = new RunningAllocation("j1", "T4", "n1", new Resources(2, 1_000, 1_024), Tier.Own, At);
        state.Running["j2"] = new RunningAllocation("j2", "T4", "n2", new Resources(1, 500, 512), Tier.Borrowed, At);
        state.LegacyRecent.Add(new JobOutcome("j0", "T4", JobStatus.Succeeded, 2, 0.7, TimeSpan.FromHours(1), At, "train"));
        state.RecentUtilization.AddRange([0.7, null]);
        state.TemplateRuns["train"] = [new RunUsage(2, 0.7, 900, 1_200)];
        state.TemplateRuns["other"] = [new RunUsage(1, 0.2, 100, 200)];
        state.PeriodGpuAverage["T4"] = [1.5, 2.5];
        state.PeakGpus["T4"] = 3;
        state.PeriodGpuSeconds["T4"] = 3_600;
        return state;
    }
}
