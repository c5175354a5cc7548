using System.Collections.Immutable;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Jobs;
using WPAI.Domain.Scheduling;

namespace WPAI.Domain.Tests.Jobs;

public sealed class JobSubmissionTests
{
    private static readonly JobSpec Spec = new("j1", "search", ["T4", "A100"], 4, 8000, 1024, TimeSpan.FromHours(1), Template: "nightly");
    private static readonly SchedulingOptions Options = new();

    [Fact]
    public void EnsureDepartment_RefusesAnUnknownDepartment_SayingHowToCreateIt()
    {
        JobSubmission.EnsureDepartment(Spec, new SubmitContext(true, []));
        var error = Assert.Throws<WpaiValidationException>(() => JobSubmission.EnsureDepartment(Spec, new SubmitContext(false, [])));
        Assert.Equal("spec.department", error.Field);
        Assert.Contains("wpai dept set-quota search T4=0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Size_KeepsTheRequest_WithoutEarlierRunsOrWithRightSizingOff()
    {
        Assert.Equal((Spec.Request, (string?)null), JobSubmission.Size(Spec, new SubmitContext(true, []), Options));
        var runs = ImmutableArray.Create(new RunUsage(4, 0.2, 1000, 2000));
        Assert.Equal((Spec.Request, (string?)null), JobSubmission.Size(Spec, new SubmitContext(true, runs), new SchedulingOptions { RightSizing = false }));
    }

    [Fact]
    public void Size_RightSizesFromEarlierRuns_WithTheReason()
    {
        var runs = ImmutableArray.Create(new RunUsage(4, 0.2, 1000, 2000));

        var (requested, reason) = JobSubmission.Size(Spec, new SubmitContext(true, runs), Options);

        Assert.Equal(new Resources(1, 1500, 1024), requested);
        Assert.StartsWith("right-sized from 1 earlier run(s)", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void IsLongRunning_WhenMarkedOrLongerThanTheThreshold()
    {
        Assert.False(JobSubmission.IsLongRunning(Spec, Options));
        Assert.True(JobSubmission.IsLongRunning(Spec with { LongRunning = true }, Options));
        Assert.True(JobSubmission.IsLongRunning(Spec with { Duration = TimeSpan.FromHours(13) }, Options));
    }

    [Fact]
    public void Candidates_AreEveryModelWithFallback_ElseTheFirst()
    {
        Assert.Equal(["T4", "A100"], JobSubmission.Candidates(Spec, Options).ToArray());
        Assert.Equal(["T4"], JobSubmission.Candidates(Spec, new SchedulingOptions { Fallback = false }).ToArray());
    }

    [Fact]
    public void FirstEntry_IsAttemptOneWithoutWait()
    {
        var at = new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
        var entry = JobSubmission.FirstEntry(Spec, Spec.Request, ["T4"], at, longRunning: true);
        Assert.Equal(("j1", "search", Spec.Request, at, Spec.Duration), (entry.JobId, entry.Department, entry.Request, entry.QueuedAt, entry.ExpectedDuration));
        Assert.Equal((1, TimeSpan.Zero, true), (entry.Attempt, entry.WaitedBefore, entry.LongRunning));
        Assert.Equal(["T4"], entry.Pools.ToArray());
    }

    [Fact]
    public void EnsureUsable_NamesAnUnknownPool_OrEachPoolsLargestNode()
    {
        var big = new Resources(8, 64_000, 512 * 1024);
        JobSubmission.EnsureUsable(["T4", "A100"], [new PoolCheck(true, false, "", big), new PoolCheck(true, true, "", big)], Spec.Request);

        var unknown = Assert.Throws<WpaiValidationException>(() =>
            JobSubmission.EnsureUsable(["T4", "X"], [new PoolCheck(true, true, "", big), new PoolCheck(false, false, "", Resources.None)], Spec.Request));
        Assert.Equal("spec.gpuModels[1]", unknown.Field);

        var none = Assert.Throws<WpaiValidationException>(() =>
            JobSubmission.EnsureUsable(["T4"], [new PoolCheck(true, false, "", big)], Spec.Request));
        Assert.Equal("spec.gpus", none.Field);
        Assert.Contains($"largest nodes — T4: {big}", none.Message, StringComparison.Ordinal);
    }
}
