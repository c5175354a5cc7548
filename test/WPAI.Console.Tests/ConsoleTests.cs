using System.Collections.Immutable;
using OpenQA.Selenium;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Console.Tests;

/// <summary>
/// The console in a real headless Chromium against a real silo: what a person sees on the job, department, pool, node
/// and service pages, submitting and cancelling from the pages, filters, and live updates without a reload.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class ConsoleTests(ConsoleSilo silo, Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task JobPage_WaitingJob_SaysWhyItWaitsAsJobShowDoes()
    {
        var (pool, department) = await silo.OwnedPoolAsync("W", 4);
        var waiting = ConsoleSilo.Fresh("wait");
        await silo.StartAsync(ConsoleSilo.Fresh("run"), department, 4, pool);
        await silo.SubmitAsync(waiting, department, 4, pool);
        await silo.Grains.GetGrain<Abstractions.Grains.IPoolSchedulerGrain>(pool).RunPassAsync();
        var details = await silo.Client.GetJobDetailsAsync(waiting);

        browser.Open(silo.BaseAddress, $"/jobs/{waiting}");

        Assert.Equal("Pending", browser.Find("#state").Text);
        var why = browser.Find("#why").Text;
        Assert.Contains(details.Job.Explanation, why, StringComparison.Ordinal); // the same words as `wpai job show`
        Assert.Contains($"In pool {pool}: position 1 of 1", why, StringComparison.Ordinal);
        Assert.Contains(details.Queue.Single().Entry.Reason, why, StringComparison.Ordinal);
        browser.Screenshot("console-job-waiting");
    }

    [Fact]
    public async Task JobPage_RunningJob_ChartsItsMeasuredUsageOverTime()
    {
        var (pool, department) = await silo.OwnedPoolAsync("U", 4);
        var job = ConsoleSilo.Fresh("use");
        await silo.StartAsync(job, department, 4, pool);
        browser.Open(silo.BaseAddress, $"/jobs/{job}");
        Assert.Equal("No usage reported yet.", browser.Find("#usage-cpu").Text);

        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        var samples = Enumerable.Range(0, 10)
            .Select(m => new UsageSample(start.AddMinutes(m), m < 5 ? 0.3 : 0.9, 0.5, 2_000 + (m * 100), 4_096))
            .ToImmutableArray();
        await silo.Grains.GetGrain<Abstractions.Grains.IJobGrain>(job).ReportUsageAsync(samples);

        browser.WaitForText("#usage-gpu", t => t.Contains("(max 90)", StringComparison.Ordinal)); // the page refreshes itself: no reload
        var lines = browser.Web.FindElements(By.CssSelector("#usage-gpu polyline"));
        Assert.Equal(2, lines.Count); // GPU utilization and GPU memory
        Assert.Equal(10, lines[0].GetAttribute("points")!.Split(' ').Length); // one point a minute
        Assert.StartsWith("10 points, 1m", browser.Find("#usage-step").Text, StringComparison.Ordinal);
        Assert.Contains("Measured so far: mean GPU utilization 60", browser.Find("#right-sizing").Text, StringComparison.Ordinal);
        Assert.Contains("CPU (cores) (max 2.9)", browser.Find("#usage-cpu").Text, StringComparison.Ordinal);
        browser.Screenshot("console-job-usage");
    }

    [Fact]
    public async Task JobPage_PreemptedJob_NamesThePreemptorAndDepartmentShowsBorrowedGpus()
    {
        var pool = ConsoleSilo.Fresh("P");
        var (owner, borrower) = (ConsoleSilo.Fresh("own"), ConsoleSilo.Fresh("bor"));
        await silo.AddNodeAsync(ConsoleSilo.Fresh("n"), pool, 4);
        await silo.Client.SetQuotaAsync(owner, new Dictionary<string, int> { [pool] = 4 });
        await silo.Client.SetQuotaAsync(borrower, new Dictionary<string, int> { [pool] = 0 });
        var victim = ConsoleSilo.Fresh("victim");
        await silo.SubmitAsync(victim, borrower, 4, pool);
        await silo.PassUntilAsync(pool, victim, j => j.Status == JobStatus.Running);

        browser.Open(silo.BaseAddress, $"/departments/{borrower}");
        var row = browser.Find($"#pools tr[data-pool='{pool}']");
        Assert.Equal("4", row.FindElement(By.CssSelector("td.borrowed")).Text);
        browser.Screenshot("console-department");
        browser.Open(silo.BaseAddress, $"/departments/{owner}");
        Assert.Contains($"borrowed in this pool by {borrower}: 4", browser.Find($"#pools tr[data-pool='{pool}']").Text, StringComparison.Ordinal);

        var preemptor = ConsoleSilo.Fresh("urgent");
        await silo.SubmitAsync(preemptor, owner, 4, pool);
        await silo.PassUntilAsync(pool, preemptor, j => j.Status == JobStatus.Running);

        browser.Open(silo.BaseAddress, $"/jobs/{victim}");
        Assert.Equal(preemptor, browser.Find("#preempted-by a").Text);
        Assert.Contains($"Preempted by job '{preemptor}'", browser.Find("#why").Text, StringComparison.Ordinal);
        browser.Click("#preempted-by a");
        Assert.EndsWith($"/jobs/{preemptor}", browser.Web.Url, StringComparison.Ordinal);
        Assert.Equal("Running", browser.Find("#state").Text);
    }

    [Fact]
    public async Task JobsPage_SubmitForm_CreatesTheJobAndCancelButtonCancelsIt()
    {
        var (pool, department) = await silo.OwnedPoolAsync("F", 8);
        var job = ConsoleSilo.Fresh("web");

        browser.Open(silo.BaseAddress, "/jobs");
        Fill("#submit-id", job);
        Fill("#submit-department", department);
        Fill("#submit-models", pool);
        Fill("#submit-gpus", "2");
        Fill("#submit-hours", "3");
        browser.Screenshot("console-submit");
        browser.Find("#submit").Click();

        browser.WaitForText("h1", t => t == $"Job {job}");
        var created = await silo.Client.GetJobAsync(job);
        Assert.Equal(department, created.Spec.Department);
        Assert.Equal(2, created.Spec.Gpus);
        Assert.Equal(TimeSpan.FromHours(3), created.Spec.Duration);

        Fill("#cancel-reason", "not needed");
        browser.Find("#cancel").Click();
        Assert.Equal("Cancelled", browser.WaitForText("#state", t => t == "Cancelled"));
        Assert.Equal(JobStatus.Cancelled, (await silo.Client.GetJobAsync(job)).Status);
    }

    [Fact]
    public async Task JobsPage_SubmitFormWithBadInput_SaysWhatIsWrongAndCreatesNothing()
    {
        var job = ConsoleSilo.Fresh("bad");
        browser.Open(silo.BaseAddress, "/jobs");
        Fill("#submit-id", job);
        Fill("#submit-department", ConsoleSilo.Fresh("nobody"));
        Fill("#submit-models", "NoSuchModel");
        browser.Find("#submit").Click();

        var error = browser.WaitForText("#submit-error", t => t.Length > 0);
        Assert.StartsWith("Not submitted:", error, StringComparison.Ordinal);
        await Assert.ThrowsAsync<Abstractions.Errors.WpaiNotFoundException>(() => silo.Client.GetJobAsync(job));
    }

    [Fact]
    public async Task JobsPage_Filters_ShowOnlyTheMatchingJobs()
    {
        var pool = ConsoleSilo.Fresh("L");
        var (first, second) = (ConsoleSilo.Fresh("d"), ConsoleSilo.Fresh("d"));
        await silo.AddNodeAsync(ConsoleSilo.Fresh("n"), pool, 2);
        await silo.Client.SetQuotaAsync(first, new Dictionary<string, int> { [pool] = 1 });
        await silo.Client.SetQuotaAsync(second, new Dictionary<string, int> { [pool] = 1 });
        var (a, b, c) = (ConsoleSilo.Fresh("a"), ConsoleSilo.Fresh("b"), ConsoleSilo.Fresh("c"));
        await silo.SubmitAsync(a, first, 1, pool);
        await silo.SubmitAsync(b, second, 1, pool);
        await silo.PassUntilAsync(pool, b, j => j.Status == JobStatus.Running);
        await silo.PassUntilAsync(pool, a, j => j.Status == JobStatus.Running);
        await silo.SubmitAsync(c, first, 2, pool);

        browser.Open(silo.BaseAddress, $"/jobs?department={first}");
        Assert.Equal([c, a], Rows());
        browser.Open(silo.BaseAddress, $"/jobs?department={first}&state=Pending");
        Assert.Equal([c], Rows());
        browser.Open(silo.BaseAddress, $"/jobs?pool={pool}&state=Running");
        Assert.Equal([b, a], Rows());
        browser.Screenshot("console-jobs");
    }

    [Fact]
    public async Task JobPage_WhenTheJobStarts_UpdatesWithoutReloading()
    {
        var (pool, department) = await silo.OwnedPoolAsync("U", 2);
        var (first, next) = (ConsoleSilo.Fresh("first"), ConsoleSilo.Fresh("next"));
        await silo.StartAsync(first, department, 2, pool);
        await silo.SubmitAsync(next, department, 2, pool);

        browser.Open(silo.BaseAddress, $"/jobs/{next}");
        Assert.Equal("Pending", browser.Find("#state").Text);
        ((IJavaScriptExecutor)browser.Web).ExecuteScript("window.wpaiMarker = 'same page';");

        await silo.Client.CancelJobAsync(first);
        await silo.PassUntilAsync(pool, next, j => j.Status == JobStatus.Running);

        Assert.Equal("Running", browser.WaitForText("#state", t => t == "Running"));
        Assert.Equal("same page", ((IJavaScriptExecutor)browser.Web).ExecuteScript("return window.wpaiMarker;")); // no reload
        Assert.Contains("Running on node", browser.Find("#why").Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PoolAndNodePages_ShowModesAllocationsQueueAndFreeCapacity()
    {
        var pool = ConsoleSilo.Fresh("N");
        var department = ConsoleSilo.Fresh("d");
        var (fixedNode, online) = (ConsoleSilo.Fresh("fixed"), ConsoleSilo.Fresh("online"));
        await silo.AddNodeAsync(fixedNode, pool, 4);
        await silo.AddNodeAsync(online, pool, 4, NodeMode.OnlineNormal);
        await silo.Client.SetQuotaAsync(department, new Dictionary<string, int> { [pool] = 4 });
        var job = ConsoleSilo.Fresh("j");
        await silo.SubmitAsync(job, department, 3, pool);
        var placed = await silo.PassUntilAsync(pool, job, j => j.Status == JobStatus.Running);

        browser.Open(silo.BaseAddress, $"/pools/{pool}");
        Assert.Contains("Fixed", browser.Find($"#nodes tr[data-node='{fixedNode}']").Text, StringComparison.Ordinal);
        Assert.Contains("OnlineNormal", browser.Find($"#nodes tr[data-node='{online}']").Text, StringComparison.Ordinal);
        Assert.Contains(job, browser.Find($"#nodes tr[data-node='{placed.Placement!.Node}']").Text, StringComparison.Ordinal);
        Assert.Contains("No mixing controller", browser.Find("#mixing").Text, StringComparison.Ordinal);
        browser.Screenshot("console-pool");

        browser.Open(silo.BaseAddress, $"/nodes/{placed.Placement.Node}");
        Assert.StartsWith("1 GPU", browser.Find("#free").Text, StringComparison.Ordinal);
        Assert.Contains(job, browser.Find("#allocations").Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServicePage_ShowsReplicasAndEveryScalingDecisionWithItsReason()
    {
        var pool = ConsoleSilo.Fresh("I");
        await silo.AddNodeAsync(ConsoleSilo.Fresh("online"), pool, 4, NodeMode.OnlineNormal);
        var name = ConsoleSilo.Fresh("svc");
        await silo.Client.DeployServiceAsync(new InferenceServiceSpec(
            name, "resnet", pool, new Resources(1, 1_000, 2_048), 100, 1, 3,
            ImmutableDictionary<ScalingMetric, double>.Empty.Add(ScalingMetric.QpsPerReplica, 70), TimeSpan.FromMilliseconds(200), 0.01));
        var service = silo.Grains.GetGrain<Abstractions.Grains.IInferenceServiceGrain>(name);
        foreach (var qps in new[] { 90.0, 120, 210 })
        {
            await service.ReportMetricsAsync(new ServiceMetrics(DateTimeOffset.UtcNow, qps, 0.4, 0.5, 0.3, 40, 0));
            await service.EvaluateAsync();
        }

        var view = await silo.Client.GetServiceAsync(name);
        var scaled = view.Decisions.FirstOrDefault(d => d.Metric == ScalingMetric.QpsPerReplica && d.ToReplicas > d.FromReplicas) ?? throw new InvalidOperationException(string.Join(" | ", view.Decisions.Select(d => $"{d.Kind} {d.Metric} {d.FromReplicas}->{d.ToReplicas} {d.Observed} {d.Reason}")));

        browser.Open(silo.BaseAddress, $"/services/{name}");
        browser.WaitForText("#replicas", t => t.StartsWith($"{view.Replicas.Length} placed, {view.DesiredReplicas} desired", StringComparison.Ordinal));
        var decisions = browser.Find("#decisions").Text;
        Assert.Contains("deployed model resnet", decisions, StringComparison.Ordinal);
        Assert.Contains(scaled.Reason, decisions, StringComparison.Ordinal);
        Assert.Equal(3, browser.Web.FindElements(By.CssSelector("#service-chart polyline")).Count); // demand, forecast, capacity
        browser.Screenshot("console-service");
    }

    private void Fill(string css, string value)
    {
        var input = browser.Find(css);
        input.Clear();
        input.SendKeys(value);
    }

    // Read in one script so the 2 s live refresh cannot replace the rows between finding and reading them.
    private List<string> Rows() =>
        [.. ((IReadOnlyCollection<object>)((IJavaScriptExecutor)browser.Web).ExecuteScript(
            "return Array.from(document.querySelectorAll('#jobs tbody tr'), r => r.getAttribute('data-job') || '');")!)
            .Select(o => (string)o)];
}
