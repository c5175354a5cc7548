using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace WPAI.Agent.Tests;

/// <summary>
/// Jobs as real processes, started by node agent processes on the node the scheduler chose: GPU indices in the
/// environment, logs, exit codes, retries, preemption with SIGTERM → grace → SIGKILL, checkpoints across attempts, and
/// measured CPU feeding right-sizing.
/// </summary>
[Collection(AgentCollection.Name)]
public sealed class RealRunTests(AgentCluster cluster, ITestOutputHelper output)
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..6];

    private JobSpec Job(string name, string dept, int gpus, string script, int maxRetries = 0, TimeSpan? grace = null, string? template = null, int cpuMilli = 1000) =>
        new($"{name}-{_id}", dept, [AgentCluster.Pool], gpus, cpuMilli, 512, TimeSpan.FromMinutes(10), template,
            Command: ["sh", "-c", script], MaxRetries: maxRetries, GracePeriod: grace);

    private async Task<string> DeptAsync(string name, int quota)
    {
        var dept = $"{name}-{_id}";
        await cluster.Client.SetQuotaAsync(dept, new Dictionary<string, int> { [AgentCluster.Pool] = quota });
        return dept;
    }

    private async Task<string> LogAsync(string jobId, int attempt)
    {
        var text = new StringBuilder();
        long offset = 0;
        while (true)
        {
            var chunk = await cluster.Client.ReadJobLogAsync(jobId, attempt, offset);
            text.Append(chunk.Text);
            if (chunk.NextOffset == chunk.Offset)
            {
                return text.ToString();
            }

            offset = chunk.NextOffset;
        }
    }

    [Fact]
    public async Task Job_RunsOnTheChosenNode_WithItsGpuIndices_WritesItsLog_AndSucceeds()
    {
        var dept = await DeptAsync("research", 4);
        var spec = Job("hello", dept, 1, "echo \"gpus=$CUDA_VISIBLE_DEVICES nvidia=$NVIDIA_VISIBLE_DEVICES count=$WPAI_GPUS job=$WPAI_JOB_ID attempt=$WPAI_ATTEMPT\"; echo \"checkpoints in $WPAI_CHECKPOINT_DIR\"");

        await cluster.Client.SubmitJobAsync(spec);
        var job = await cluster.WaitJobAsync(spec.JobId, j => j.Status is JobStatus.Succeeded or JobStatus.Failed, "ends");

        Assert.Equal(JobStatus.Succeeded, job.Status);
        var run = Assert.Single(job.Runs);
        Assert.Contains(run.Node, cluster.Nodes);
        var gpu = Assert.Single(run.GpuIndices);
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith(cluster.StateDirectory(run.Node) + "/", run.LogFile, StringComparison.Ordinal); // written on the chosen node
        var log = await LogAsync(spec.JobId, 1);
        Assert.Contains($"gpus={gpu} nvidia={gpu} count={gpu} job={spec.JobId} attempt=1", log, StringComparison.Ordinal);
        Assert.Contains("checkpoints in " + cluster.StateDirectory(run.Node), log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExitCode3_FailsTheJob_WithCode3_AfterItsRetries()
    {
        var dept = await DeptAsync("research", 4);
        var once = Job("exit3", dept, 1, "echo failing; exit 3");
        var retried = Job("exit3-retried", dept, 1, "echo \"attempt $WPAI_ATTEMPT\"; exit 3", maxRetries: 1);

        await cluster.Client.SubmitJobAsync(once);
        await cluster.Client.SubmitJobAsync(retried);
        var job = await cluster.WaitJobAsync(once.JobId, j => j.Status is JobStatus.Succeeded or JobStatus.Failed, "ends");
        var again = await cluster.WaitJobAsync(retried.JobId, j => j.Status is JobStatus.Succeeded or JobStatus.Failed, "ends");

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal(3, Assert.Single(job.Runs).ExitCode);
        Assert.Contains("exit code 3", job.Explanation, StringComparison.Ordinal);
        Assert.Equal(JobStatus.Failed, again.Status);
        Assert.Equal([(1, 3), (2, 3)], again.Runs.Select(r => (r.Attempt, r.ExitCode ?? -1)));
        Assert.Single(again.History, e => e.Kind == "retrying");
        Assert.Contains("attempt 2", await LogAsync(retried.JobId, 2), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preemption_StopsATrappingJobWithinGrace_AndKillsAnIgnoringOneAfterGrace_BothRequeuedAndResumed()
    {
        var owner = await DeptAsync("owner", 4);
        var borrower = await DeptAsync("borrower", 0);

        // Checkpoints on SIGTERM and exits; its next attempt finds the checkpoint. Its grace is long: being killed would show.
        var trapping = Job("trapping", borrower, 2,
            "if [ -f \"$WPAI_CHECKPOINT_DIR/ckpt\" ]; then echo \"resumed from $(cat \"$WPAI_CHECKPOINT_DIR/ckpt\")\"; exit 0; fi; " +
            "trap 'echo step-7 > \"$WPAI_CHECKPOINT_DIR/ckpt\"; echo checkpointed; exit 0' TERM; echo started; while :; do sleep 0.1; done",
            grace: TimeSpan.FromSeconds(60));

        // Ignores SIGTERM (so does everything it starts): SIGKILL after its 2 s grace.
        var ignoring = Job("ignoring", borrower, 2,
            "if [ \"$WPAI_ATTEMPT\" -gt 1 ]; then echo second attempt; exit 0; fi; trap '' TERM; echo started; while :; do sleep 0.1; done",
            grace: TimeSpan.FromSeconds(2));

        await cluster.Client.SubmitJobAsync(trapping);
        await cluster.Client.SubmitJobAsync(ignoring);
        await cluster.WaitJobAsync(trapping.JobId, j => j.Status == JobStatus.Running && j.Runs.Any(r => r.Pid is not null), "runs (borrowed)");
        await cluster.WaitJobAsync(ignoring.JobId, j => j.Status == JobStatus.Running && j.Runs.Any(r => r.Pid is not null), "runs (borrowed)");

        var first = Job("own-1", owner, 2, "echo owner; sleep 1");
        var second = Job("own-2", owner, 2, "echo owner; sleep 1");
        await cluster.Client.SubmitJobAsync(first);
        await cluster.Client.SubmitJobAsync(second);

        // Ended, and the end of the stopped first run reported by its agent (exit code or signal).
        static bool Settled(JobView j) => j.Status is JobStatus.Succeeded or JobStatus.Failed
            && j.Runs.Any(r => r.Attempt == 1 && (r.ExitCode is not null || r.Signal is not null));
        var t = await cluster.WaitJobAsync(trapping.JobId, Settled, "is preempted, re-queued and resumes", TimeSpan.FromSeconds(120));
        var i = await cluster.WaitJobAsync(ignoring.JobId, Settled, "is preempted, killed, re-queued and runs again", TimeSpan.FromSeconds(120));
        var owners = new[]
        {
            await cluster.WaitJobAsync(first.JobId, j => j.Status is JobStatus.Succeeded or JobStatus.Failed, "ends"),
            await cluster.WaitJobAsync(second.JobId, j => j.Status is JobStatus.Succeeded or JobStatus.Failed, "ends"),
        };

        Assert.All(owners, o => Assert.Equal(JobStatus.Succeeded, o.Status));
        Assert.Equal(JobStatus.Succeeded, t.Status);
        Assert.Equal(2, t.Attempts);
        var stopped = t.Runs.Single(r => r.Attempt == 1);
        Assert.Contains(stopped.Preemptor, owners.Select(o => o.Spec.JobId));
        Assert.Null(stopped.Signal); // it exited on its own after SIGTERM, within its grace
        Assert.Equal(0, stopped.ExitCode);
        Assert.Contains("checkpointed", await LogAsync(trapping.JobId, 1), StringComparison.Ordinal);
        Assert.Contains("resumed from step-7", await LogAsync(trapping.JobId, 2), StringComparison.Ordinal);

        Assert.Equal(JobStatus.Succeeded, i.Status);
        var killed = i.Runs.Single(r => r.Attempt == 1);
        Assert.Contains(killed.Preemptor, owners.Select(o => o.Spec.JobId));
        Assert.Equal("SIGKILL", killed.Signal);
        Assert.Contains("second attempt", await LogAsync(ignoring.JobId, 2), StringComparison.Ordinal);
        Assert.All([t, i], j => Assert.Single(j.History, e => e.Kind == "preempted"));
    }

    [Fact]
    public async Task CpuBurningJob_ReportsAboutTheCoreItBurned_AndRightSizingOfItsTemplateUsesIt()
    {
        var dept = await DeptAsync("research", 4);
        var template = $"burn-{_id}";

        // Burns one core for 4 s in a child, then records that child's own CPU ticks (utime + stime) for comparison.
        var burn = Job("burn", dept, 1,
            "sh -c 'while :; do :; done' & b=$!; sleep 4; cut -d' ' -f14,15 /proc/$b/stat > \"$WPAI_RUN_DIR/burn-ticks\"; kill $b; exit 0",
            template: template, cpuMilli: 4000);

        await cluster.Client.SubmitJobAsync(burn);
        var job = await cluster.WaitJobAsync(burn.JobId, j => j.Status is JobStatus.Succeeded or JobStatus.Failed, "ends");

        Assert.Equal(JobStatus.Succeeded, job.Status);
        var run = Assert.Single(job.Runs);
        var ticks = File.ReadAllText(Path.Combine(Path.GetDirectoryName(run.LogFile)!, "burn-ticks")).Split(' ', StringSplitOptions.RemoveEmptyEntries).Sum(t => long.Parse(t, CultureInfo.InvariantCulture));
        var burnedCores = ticks / 100.0 / 4.0; // what the burner itself consumed per second of its 4 s (≈ 1 on an idle machine)
        Assert.NotNull(run.CpuAverageMilli);
        var measured = run.CpuAverageMilli!.Value / 1000;
        output.WriteLine(FormattableString.Invariant($"measured CPU {measured:0.000} cores (peak {run.CpuPeakMilli / 1000:0.000}); the burner itself consumed {burnedCores:0.000} cores"));
        Assert.InRange(measured, burnedCores * 0.6, burnedCores * 1.4 + 0.1);

        var next = Job("burn-next", dept, 1, "exit 0", template: template, cpuMilli: 4000);
        var result = await cluster.Client.SubmitJobAsync(next);
        Assert.Equal((int)Math.Ceiling(run.CpuAverageMilli.Value * 1.5), result.Job.Requested.CpuMilli);
        Assert.Contains(result.Job.History, e => e.Kind == "right-sized");
    }

    [Fact]
    public async Task StandInNvidiaSmi_DeclaresTheGpus_AndItsReadingsBecomeTheJobsUtilization()
    {
        var standIn = Path.Combine(AppContext.BaseDirectory, "StandIn");
        var path = standIn + ":" + Environment.GetEnvironmentVariable("PATH");
        var pool = $"SI{_id}";
        var node = $"gpu-{_id}";
        cluster.StartAgent(node, pool, gpus: null, new Dictionary<string, string> { ["PATH"] = path }, nvidiaSmi: "nvidia-smi");
        await cluster.WaitNodesAsync(pool, 1);
        var dept = $"vision-{_id}";
        await cluster.Client.SetQuotaAsync(dept, new Dictionary<string, int> { [pool] = 2 });

        var view = await cluster.Client.GetNodeAsync(node);
        var spec = new JobSpec($"gpu-job-{_id}", dept, [pool], 1, 500, 256, TimeSpan.FromMinutes(5), Command: ["sh", "-c", "sleep 3"]);
        await cluster.Client.SubmitJobAsync(spec);
        var job = await cluster.WaitJobAsync(spec.JobId, j => j.Status is JobStatus.Succeeded or JobStatus.Failed, "ends");
        cluster.Agent(node).Kill();

        Assert.Equal(2, view.Spec.Gpus); // from the stand-in's two recorded GPUs
        Assert.Equal(JobStatus.Succeeded, job.Status);
        var gpu = Assert.Single(Assert.Single(job.Runs).GpuIndices);

        // Recorded readings: GPU 0 87 % with 40960 of 81920 MiB, GPU 1 12 % with 8192 MiB; u = max(mean util, 0.9 × peak memory fraction).
        var expected = gpu == 0 ? Math.Max(0.87, 0.9 * 0.5) : Math.Max(0.12, 0.9 * 0.1);
        Assert.NotNull(job.EffectiveGpuUtilization);
        Assert.Equal(expected, job.EffectiveGpuUtilization!.Value, 6);
    }
}
