using WPAI.Abstractions.Contracts;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Tests;

public sealed class JobExplanationTests
{
    [Fact]
    public void Pending_SaysWhyAndWhereItStandsInEachPool()
    {
        var details = new JobDetails(
            Views.PendingJob(),
            [
                new JobQueuePosition("P40", 1, Views.Queued(position: 1) with { Tier = Tier.Own, Score = 1_000_012.5, Reason = "P40 node p40-a is full" }),
                new JobQueuePosition("T4", 5, Views.Queued()),
            ]);

        var lines = JobExplanation.Lines(details);

        Assert.Equal(
            [
                "no T4 node has 4 free GPUs; P40 is full",
                "In pool P40: position 1 of 1, own tier (score 1000012.5), waited 12m 30s: P40 node p40-a is full",
                "In pool T4: position 2 of 5, borrowed tier (score 1012.5), waited 12m 30s: no node has 4 free GPUs",
            ],
            lines);
    }

    [Fact]
    public void Preempted_NamesThePreemptor_AndTheKeptWaitTime()
    {
        var details = new JobDetails(Views.PendingJob(preemptedBy: "a-urgent"), [new JobQueuePosition("T4", 3, Views.Queued(position: 1))]);

        var lines = JobExplanation.Lines(details);

        Assert.Equal("Preempted by job 'a-urgent'; re-queued keeping its wait time (12m 30s so far).", lines[0]);
        Assert.StartsWith("In pool T4: position 1 of 3", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Pending_WithoutQueueEntry_SaysSo()
    {
        var lines = JobExplanation.Lines(new JobDetails(Views.PendingJob() with { Explanation = string.Empty }, []));

        Assert.Equal(["Not in a pool queue at this moment (accepts T4, P40)."], lines);
    }

    [Fact]
    public void Running_OnBorrowedQuota_SaysWhereAndThatItMayBePreempted()
    {
        var lines = JobExplanation.Lines(new JobDetails(Views.RunningJob() with { PreemptedBy = "x-1" }, []));

        Assert.Equal(
            [
                "Running on node 't4-a' in pool T4 (borrowed tier) since 2026-11-28 20:13:00Z, attempt 1.",
                "Was preempted earlier by job 'x-1'.",
                "It runs on borrowed quota: an own-quota job of another department may preempt it.",
            ],
            lines);
    }

    [Fact]
    public void Finished_UsesTheJobsOwnExplanation()
    {
        var job = Views.RunningJob() with { Status = JobStatus.Succeeded, Explanation = "succeeded after 2h 00m on t4-a" };

        Assert.Equal(["succeeded after 2h 00m on t4-a"], JobExplanation.Lines(new JobDetails(job, [])));
    }

    [Fact]
    public async Task JobShow_ThroughTheCli_PrintsTheExplanation()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "job", "show", "resnet-1");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("\nWhy\n  no T4 node has 4 free GPUs; P40 is full\n  In pool T4: position 2 of 5, borrowed tier (score 1012.5), waited 12m 30s: no node has 4 free GPUs\n", run.Output, StringComparison.Ordinal);
    }
}
