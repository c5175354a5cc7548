using WPAI.Simulation.Mixing;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests.Mixing;

/// <summary>The default scenario's knobs on the hand-made fleet: training sized against the Fixed GPUs, the arrival window cut, checkpointable jobs.</summary>
public sealed class MixingScenarioSizingTests
{
    [Fact]
    public void Prepare_TrainingLoad_SizesTheOfferedLoadAgainstTheFixedGpus()
    {
        using var dir = new TempDir();
        var a = MixingFixtures.Options(dir) with { OfferedLoad = null, TrainingLoad = 1.5 };

        var s = MixingScenario.Prepare(a);

        // 0.7 of each pool online: T4 ⌊2.8⌋ = 2 nodes (4 GPUs), P100 ⌊0.7⌋ = 0; Fixed = t4-c, t4-d, p100-a = 6 of 10 GPUs.
        Assert.Equal(6, s.FixedGpus);
        Assert.Equal(1.5 * 6 / 10, s.Workload.OfferedLoad, 3);
    }

    [Fact]
    public void Prepare_OfferedLoad_OverridesTheTrainingLoad()
    {
        using var dir = new TempDir();
        var s = MixingScenario.Prepare(MixingFixtures.Options(dir) with { OfferedLoad = 0.25, TrainingLoad = 1.5 });
        Assert.Equal(0.25, s.Workload.OfferedLoad, 3);
    }

    [Fact]
    public void Prepare_Arrivals_KeepsOnlyTheFirstStretchOfTheWindow()
    {
        using var dir = new TempDir();
        var all = MixingScenario.Prepare(MixingFixtures.Options(dir));
        var stretch = (all.Workload.WindowEnd - all.Workload.WindowStart) / 2;

        var cut = MixingScenario.Prepare(MixingFixtures.Options(dir) with { Arrivals = stretch });

        Assert.InRange(cut.Workload.Jobs.Length, 1, all.Workload.Jobs.Length - 1);
        Assert.True(cut.Workload.WindowEnd - cut.Workload.WindowStart <= stretch);
        Assert.Equal(all.Workload.Jobs.Take(cut.Workload.Jobs.Length).Select(j => j.Id), cut.Workload.Jobs.Select(j => j.Id));
        Assert.True(cut.End < all.End);
    }

    [Fact]
    public void Prepare_Arrivals_SizesTheKeptArrivalsToTheTrainingLoad()
    {
        using var dir = new TempDir();
        var a = MixingFixtures.Options(dir) with { OfferedLoad = null, TrainingLoad = 1.5 };
        var all = MixingScenario.Prepare(a);
        var stretch = (all.Workload.WindowEnd - all.Workload.WindowStart) / 2;

        var cut = MixingScenario.Prepare(a with { Arrivals = stretch });

        // The fixture's 4-hour jobs come last, so the first half of the trace sized as a whole offers less than asked.
        var naive = WorkloadPreparer.OfferedLoad([.. KeptArrivals.Keep(all.Workload.Jobs, stretch)], all.Workload.FleetGpus);
        Assert.True(naive < 0.8, $"the first half offers {naive:0.###} of a trace sized to 0.9: the fixture no longer tests the sizing");
        Assert.InRange(cut.Workload.OfferedLoad, 0.9 * 0.95, 0.9 * 1.05); // 1.5 × 6 Fixed GPUs / 10 GPUs, up to one job's step
        Assert.Equal(WorkloadPreparer.OfferedLoad(cut.Workload.Jobs, cut.Workload.FleetGpus), cut.Workload.OfferedLoad, 9); // the report states what is replayed
        Assert.True(cut.Workload.WindowEnd - cut.Workload.WindowStart <= stretch);
        Assert.True(cut.Workload.Jobs.Length > KeptArrivals.Keep(all.Workload.Jobs, stretch).Count);
    }

    [Fact]
    public void WholeTraceLoad_FindsTheCompressionAtWhichTheKeptStretchOffersTheTarget()
    {
        // One 1-GPU job per hour for 100 h: the first 10 h hold 1-hour jobs, the rest 3-hour jobs. At load `at` = 1 on
        // 2 GPUs the offsets are as given; the first 20 h (10 short and 11 long jobs, arrivals 0..20 h) offer
        // (10 + 33) h / (2 × 20 h) = 1.075. Asking 2.0 of the kept 20 h needs more of the long jobs in the stretch.
        var jobs = Enumerable.Range(0, 100).Select(i => (TimeSpan.FromHours(i), (i < 10 ? 1.0 : 3.0) * 3600)).ToList();
        var stretch = TimeSpan.FromHours(20);

        var load = KeptArrivals.WholeTraceLoad(jobs, 1, stretch, 2, 2.0);

        Assert.Equal(1.075, KeptArrivals.KeptLoad(jobs, 1, 1, stretch, 2), 9);
        Assert.InRange(KeptArrivals.KeptLoad(jobs, 1, load, stretch, 2), 1.9, 2.1);
        Assert.True(load > 1);
        Assert.Equal(1, KeptArrivals.WholeTraceLoad(jobs.Take(1).ToList(), 1, stretch, 2, 2.0)); // nothing to size
    }

    [Fact]
    public void Prepare_CheckpointableShare_IsASeededDrawOfThatShare()
    {
        using var dir = new TempDir();
        var none = MixingScenario.Prepare(MixingFixtures.Options(dir) with { CheckpointableShare = 0 });
        var all = MixingScenario.Prepare(MixingFixtures.Options(dir) with { CheckpointableShare = 1 });
        var half = MixingScenario.Prepare(MixingFixtures.Options(dir) with { CheckpointableShare = 0.5 });

        Assert.Empty(none.CheckpointableJobs);
        Assert.Equal(all.Workload.Jobs.Length, all.CheckpointableJobs.Count);
        Assert.InRange(half.CheckpointableJobs.Count, 15, 45); // 60 jobs
        Assert.Equal(half.CheckpointableJobs, MixingScenario.Prepare(MixingFixtures.Options(dir) with { CheckpointableShare = 0.5 }).CheckpointableJobs);
    }

    [Fact]
    public void Killed_CheckpointableJob_LosesOnlyTheTimeSinceItsLastCheckpointAndRestartsWithTheRest()
    {
        var job = new SimJob("j", TimeSpan.Zero, TimeSpan.FromHours(3), 1, 1000, 1000, 1024, ["T4"], "BE");
        var other = job with { Id = "k" };
        var jobs = new Dictionary<string, SimJob> { ["j"] = job, ["k"] = other };
        var dictionary = new CheckpointedJobDictionary(jobs, new HashSet<string> { "j" }, TimeSpan.FromMinutes(30), enabled: true);

        Assert.Equal(TimeSpan.FromMinutes(20), dictionary.Killed("j", TimeSpan.FromMinutes(80), warned: true)); // checkpoints at 30 and 60 min
        Assert.Equal(TimeSpan.FromMinutes(120), dictionary["j"].Duration);
        Assert.Equal(TimeSpan.FromMinutes(10), dictionary.Killed("j", TimeSpan.FromMinutes(40), warned: true)); // the second run saves 30 more
        Assert.Equal(TimeSpan.FromMinutes(90), dictionary["j"].Duration);
        Assert.Equal(TimeSpan.FromMinutes(80), dictionary.Killed("k", TimeSpan.FromMinutes(80), warned: true)); // not checkpointable: all lost
        Assert.Equal(TimeSpan.FromHours(3), dictionary["k"].Duration);
        Assert.Equal(TimeSpan.FromMinutes(40), dictionary.Killed("j", TimeSpan.FromMinutes(40), warned: false)); // not warned: no checkpoint saved
        Assert.Equal(TimeSpan.FromMinutes(90), dictionary["j"].Duration);
        Assert.True(dictionary.Declares("j"));
        Assert.False(dictionary.Declares("k"));

        var off = new CheckpointedJobDictionary(jobs, new HashSet<string> { "j" }, TimeSpan.FromMinutes(30), enabled: false);
        Assert.Equal(TimeSpan.FromMinutes(80), off.Killed("j", TimeSpan.FromMinutes(80), warned: true));
        Assert.False(off.Declares("j"));
        Assert.Equal(TimeSpan.FromHours(3), off["j"].Duration);
    }

    [Fact]
    public void GpuUsage_AveragesInferenceAndTrainingGpusOverTheWindowsTicks()
    {
        MixingSample[] timeline =
        [
            new(TimeSpan.FromHours(1), 0, 0, 10, 0, 0, TrainingGpus: 2, InferenceGpus: 8), // before the window
            new(TimeSpan.FromHours(2), 0, 0, 10, 0, 0, TrainingGpus: 4, InferenceGpus: 2),
            new(TimeSpan.FromHours(3), 0, 0, 10, 0, 0, TrainingGpus: 6, InferenceGpus: 4),
        ];

        var (cluster, inference) = MixingMetricsCalculator.GpuUsage(timeline, TimeSpan.FromHours(2), TimeSpan.FromHours(3), 20);

        Assert.Equal((6 + 10) / 2.0 / 20, cluster, 9);
        Assert.Equal(3.0 / 20, inference, 9);
        Assert.Equal((0.0, 0.0), MixingMetricsCalculator.GpuUsage(timeline, TimeSpan.FromHours(5), TimeSpan.FromHours(6), 20));
    }
}
