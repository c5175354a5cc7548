using WPAI.Abstractions.Contracts;
using WPAI.Domain.Jobs;

namespace WPAI.Domain.Tests.Jobs;

public sealed class JobExplanationTests
{
    private static readonly Resources Request = new(2, 1000, 1024);

    [Fact]
    public void Explain_SaysWhyAPendingJobWaits()
    {
        Assert.Equal($"pending: waiting in pool T4 → A100 for {Request}", JobExplanation.Explain(JobStatus.Pending, 1, null, null, ["T4", "A100"], Request, null, null));
        Assert.Equal("pending (attempt 2): preempted by job x; waiting in pool T4", JobExplanation.Explain(JobStatus.Pending, 2, "x", null, ["T4"], Request, null, null));
        Assert.Equal(
            "pending (attempt 3): killed when lent node n7 was taken back for inference; waiting in pool T4",
            JobExplanation.Explain(JobStatus.Pending, 3, null, "n7", ["T4"], Request, null, null));
    }

    [Fact]
    public void Explain_SaysWhereItRuns_OrHowItEnded()
    {
        var at = new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
        var placement = new Placement("n1", "T4", Request, Tier.Borrowed, at, 1);
        Assert.Equal("running on n1 in pool T4 (Borrowed tier) since 2026-01-05 08:00:00Z", JobExplanation.Explain(JobStatus.Running, 1, null, null, ["T4"], Request, placement, null));
        Assert.Equal("failed: exit code 3", JobExplanation.Explain(JobStatus.Failed, 1, null, null, ["T4"], Request, null, "failed: exit code 3"));
        Assert.Equal("cancelled", JobExplanation.Explain(JobStatus.Cancelled, 1, null, null, ["T4"], Request, null, null));
    }
}
