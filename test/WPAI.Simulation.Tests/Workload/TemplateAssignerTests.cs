using System.Globalization;
using WPAI.Abstractions.Errors;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation.Tests.Workload;

public sealed class TemplateAssignerTests
{
    private static SimJob[] Jobs(int count) =>
    [
        .. Enumerable.Range(0, count).Select(i => new SimJob(
            "job-" + i.ToString("D4", CultureInfo.InvariantCulture),
            TimeSpan.FromMinutes(i),
            TimeSpan.FromMinutes(30),
            1 + (i % 2),
            1000,
            4000,
            1024,
            i % 3 == 0 ? [] : ["A"],
            "BE")),
    ];

    [Fact]
    public void Assign_IsTheSame_ForTheSameSeed()
    {
        var jobs = Jobs(600);
        var recurrence = new Recurrence(0.65);

        var a = TemplateAssigner.Assign(jobs, recurrence, seed: 1);
        var b = TemplateAssigner.Assign(jobs.Reverse().ToArray(), recurrence, seed: 1);

        Assert.Equal(a.OrderBy(kv => kv.Key, StringComparer.Ordinal), b.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.NotEqual(a.OrderBy(kv => kv.Key, StringComparer.Ordinal), TemplateAssigner.Assign(jobs, recurrence, seed: 2).OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Assign_PutsAboutTheShareIntoTemplates_OfTheSameRequest()
    {
        var jobs = Jobs(3000);
        var byId = jobs.ToDictionary(j => j.Id);

        var templates = TemplateAssigner.Assign(jobs, new Recurrence(0.65, MinRuns: 5, MeanRuns: 10), seed: 1);

        // Every templated job recurs with runs of one request; the share is the draw's (a short tail per request may drop out).
        Assert.InRange(templates.Count / 3000.0, 0.60, 0.68);
        Assert.All(templates, kv => Assert.Equal(TemplateAssigner.Signature(byId[kv.Value]), TemplateAssigner.Signature(byId[kv.Key])));
        var sizes = templates.GroupBy(kv => kv.Value).Select(g => g.Count()).ToArray();
        Assert.All(sizes, s => Assert.True(s >= 2));
        Assert.True(sizes.Count(s => s < 5) <= 6, "only the last template of each of the 6 requests may be shorter than MIN");
        Assert.InRange(sizes.Where(s => s >= 5).Average(), 8.5, 11.5);
    }

    [Fact]
    public void Assign_TheTemplateId_IsItsFirstRun()
    {
        var jobs = Jobs(300);

        var templates = TemplateAssigner.Assign(jobs, new Recurrence(1.0, MinRuns: 5, MeanRuns: 5), seed: 3);

        foreach (var group in templates.GroupBy(kv => kv.Value))
        {
            var first = group.Select(kv => jobs.Single(j => j.Id == kv.Key)).MinBy(j => j.Submit)!;
            Assert.Equal(first.Id, group.Key);
            Assert.InRange(group.Count(), 2, 5);
        }
    }

    [Fact]
    public void Assign_NoShare_NoTemplates()
    {
        Assert.Empty(TemplateAssigner.Assign(Jobs(100), Recurrence.None, seed: 1));
    }

    [Theory]
    [InlineData(0.0, 5)]
    [InlineData(0.5, 8)]
    [InlineData(0.99, 30)]
    public void Runs_FollowsTheShiftedGeometric(double u, int expected)
    {
        // MIN 5, mean 10: extra runs geometric with p = 1/6; quantile u → floor(ln(1 − u) / ln(5/6)).
        Assert.Equal(expected, TemplateAssigner.Runs(new Recurrence(0.65, 5, 10), u));
    }

    [Theory]
    [InlineData(1.5, 5, 10, 0.1, "--recurring-share")]
    [InlineData(0.5, 1, 10, 0.1, "--template-runs")]
    [InlineData(0.5, 5, 4, 0.1, "--template-runs")]
    [InlineData(0.5, 5, 10, 1.0, "--run-jitter")]
    public void Validate_RefusesBadRecurrence_NamingTheOption(double share, int min, double mean, double jitter, string option)
    {
        var ex = Assert.Throws<WpaiValidationException>(() => new Recurrence(share, min, mean, jitter).Validate());
        Assert.Equal(option, ex.Field);
    }

    [Fact]
    public void Prepare_TheRunsOfATemplate_ShareDepartmentModelsAndUsage()
    {
        SimNode[] nodes = [new("a1", "A", 4, 32000, 65536), new("b1", "B", 4, 32000, 65536)];
        var jobs = Jobs(400).Select(j => j with { GpuModels = [] }).ToArray();

        var prepared = WorkloadPreparer.Prepare("t", nodes, jobs, new WorkloadOptions(Seed: 1) { Recurrence = new Recurrence(0.65, Jitter: 0.1) });

        Assert.InRange(prepared.TemplatedJobs, 200, 290);
        Assert.Equal(prepared.Jobs.Count(j => j.Template is not null), prepared.TemplatedJobs);
        foreach (var template in prepared.Jobs.Where(j => j.Template is not null).GroupBy(j => j.Template))
        {
            Assert.Single(template.Select(j => j.Department).Distinct());
            Assert.Single(template.Select(j => string.Join('|', j.GpuModels)).Distinct());
            var mean = template.Average(j => j.GpuUtilization);
            Assert.All(template, j => Assert.InRange(j.GpuUtilization, (mean / 1.1 * 0.9) - 1e-9, (mean / 0.9 * 1.1) + 1e-9));
        }
    }

    [Fact]
    public void Prepare_WithoutRecurrence_KeepsEveryJobAsBefore()
    {
        SimNode[] nodes = [new("a1", "A", 4, 32000, 65536)];
        var jobs = Jobs(50);

        var without = WorkloadPreparer.Prepare("t", nodes, jobs, new WorkloadOptions(Seed: 1));
        var with = WorkloadPreparer.Prepare("t", nodes, jobs, new WorkloadOptions(Seed: 1) { Recurrence = new Recurrence(0.65) });

        Assert.All(without.Jobs, j => Assert.Null(j.Template));
        // A job that recurs in neither keeps its department and utilization.
        var plain = with.Jobs.Where(j => j.Template is null).Select(j => j.Id).ToHashSet();
        Assert.All(without.Jobs.Where(j => plain.Contains(j.Id)), j =>
        {
            var other = with.Jobs.Single(o => o.Id == j.Id);
            Assert.Equal(j.Department, other.Department);
            Assert.Equal(j.GpuUtilization, other.GpuUtilization);
        });
    }
}
