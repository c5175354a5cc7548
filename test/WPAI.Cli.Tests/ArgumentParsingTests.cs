using WPAI.Abstractions.Contracts;

namespace WPAI.Cli.Tests;

public sealed class ArgumentParsingTests
{
    private static readonly string[] SubmitArgs =
        ["job", "submit", "resnet-1", "--dept", "research", "--gpus", "4", "--cpu", "16", "--memory", "64Gi", "--gpu-models", "T4,P40", "--duration", "1h30m"];

    [Fact]
    public async Task JobSubmit_BuildsTheSpec_FromEveryOption()
    {
        var client = new RecordingClient();

        var run = await CliRun.RunAsync(client, [.. SubmitArgs, "--template", "resnet", "--long-running", "--gpu-util", "0.4", "--cpu-peak", "0.9"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Error);
        var spec = client.SubmittedSpec!;
        Assert.Equal("resnet-1", spec.JobId);
        Assert.Equal("research", spec.Department);
        Assert.Equal(["T4", "P40"], spec.GpuModels.ToArray());
        Assert.Equal(4, spec.Gpus);
        Assert.Equal(16000, spec.CpuMilli);
        Assert.Equal(65536, spec.MemoryMib);
        Assert.Equal(TimeSpan.FromMinutes(90), spec.Duration);
        Assert.Equal("resnet", spec.Template);
        Assert.True(spec.LongRunning);
        Assert.Equal(new WorkloadProfile(0.4, 0.5, 0.5, 0.9), spec.Workload);
    }

    [Fact]
    public async Task JobSubmit_LeavesWorkloadUnset_WhenNoWorkloadOptionIsGiven()
    {
        var client = new RecordingClient();

        var run = await CliRun.RunAsync(client, SubmitArgs);

        Assert.Equal(0, run.ExitCode);
        Assert.Null(client.SubmittedSpec!.Workload);
        Assert.Null(client.SubmittedSpec.Template);
        Assert.False(client.SubmittedSpec.LongRunning);
    }

    [Theory]
    [InlineData("--gpus", "abc", "error: --gpus: 'abc' is not a whole number. Write e.g. --gpus 4")]
    [InlineData("--gpus", "-1", "error: --gpus: -1 is below 0. Write e.g. --gpus 4")]
    [InlineData("--cpu", "4x", "error: --cpu: '4x' is not a CPU amount. Write cores (8, 0.5) or millicores (500m)")]
    [InlineData("--cpu", "0", "error: --cpu: '0' is not a positive CPU amount in whole millicores. Write cores (8, 0.5) or millicores (500m)")]
    [InlineData("--memory", "lots", "error: --memory: 'lots' is not a memory amount. Write e.g. 32Gi, 512Mi or 1Ti (a plain number means MiB)")]
    [InlineData("--duration", "soon", "error: --duration: 'soon' is not a duration. Write e.g. 2h, 90m, 1h30m, 45s or 01:30:00")]
    [InlineData("--gpu-models", "T4,,P40", "error: --gpu-models: 'T4,,P40' has an empty name. Separate names with single commas, e.g. --gpu-models T4,P40")]
    [InlineData("--gpu-models", "T4,T4", "error: --gpu-models: 'T4' is named twice. Name each once, in order of preference, e.g. --gpu-models T4,P40")]
    [InlineData("--output", "xml", "error: --output: 'xml' is not an output format. Use --output table or --output json")]
    [InlineData("--gateway", "localhost:http", "error: --gateway: gateway 'localhost:http' has port 'http', which is not a number from 1 to 65535; write host:port, e.g. 127.0.0.1:30000")]
    public async Task JobSubmit_RejectsBadValue_WithOneLineErrorAndExitCode2(string option, string value, string expected)
    {
        var client = new RecordingClient();
        var args = SubmitArgs.ToList();
        var index = args.IndexOf(option);
        if (index >= 0)
        {
            args[index + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var run = await CliRun.RunAsync(client, [.. args]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expected + "\n", run.Error);
        Assert.Empty(client.Connections);
        Assert.Null(client.SubmittedSpec);
    }

    [Theory]
    [InlineData("--dept", "error: --dept: is required. Name the department whose quota the job uses, e.g. --dept research")]
    [InlineData("--gpus", "error: --gpus: is required. Add e.g. --gpus 4")]
    [InlineData("--cpu", "error: --cpu: is required. Add e.g. --cpu 8")]
    [InlineData("--memory", "error: --memory: is required. Add e.g. --memory 32Gi")]
    [InlineData("--gpu-models", "error: --gpu-models: is required. Add e.g. --gpu-models T4,P40")]
    [InlineData("--duration", "error: --duration: is required. Add e.g. --duration 2h")]
    public async Task JobSubmit_NamesTheMissingOption(string option, string expected)
    {
        var client = new RecordingClient();
        var args = SubmitArgs.ToList();
        args.RemoveRange(args.IndexOf(option), 2);

        var run = await CliRun.RunAsync(client, [.. args]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expected + "\n", run.Error);
        Assert.Empty(client.Connections);
    }

    [Fact]
    public async Task MissingArgument_IsAUsageError_WithExitCode2()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "job", "show");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("JOB-ID", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task UnknownCommand_IsAUsageError_WithExitCode2()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "job", "lisst");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: Unknown command 'lisst'. Run with --help for usage.\n", run.Error);
    }

    [Fact]
    public async Task NodeAdd_ParsesHardwareAndMode()
    {
        var client = new RecordingClient();

        var run = await CliRun.RunAsync(client, "node", "add", "t4-a", "--pool", "T4", "--gpus", "4", "--cpu", "32", "--memory", "256Gi", "--mode", "offline-normal");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal((new NodeSpec("t4-a", "T4", 4, 32000, 262144), NodeMode.OfflineNormal), client.AddedNode);
        Assert.Equal("Node t4-a registered in pool T4: 4 GPU, 32 CPU, 256Gi, mode OfflineNormal.\n", run.Output);
    }

    [Fact]
    public async Task NodeAdd_DefaultsToFixedMode()
    {
        var client = new RecordingClient();

        await CliRun.RunAsync(client, "node", "add", "p40-a", "--pool", "P40", "--gpus", "8", "--cpu", "500m", "--memory", "1024");

        Assert.Equal((new NodeSpec("p40-a", "P40", 8, 500, 1024), NodeMode.Fixed), client.AddedNode);
    }

    [Fact]
    public async Task NodeAdd_RejectsUnknownMode_ListingTheModes()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "node", "add", "t4-a", "--pool", "T4", "--gpus", "4", "--cpu", "32", "--memory", "256Gi", "--mode", "sometimes");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: --mode: 'sometimes' is not one of online-normal, offline-normal, unnormal, fixed, down. Write e.g. --mode online-normal\n", run.Error);
    }

    [Fact]
    public async Task DeptSetQuota_ParsesPoolGpuPairs()
    {
        var client = new RecordingClient();

        var run = await CliRun.RunAsync(client, "dept", "set-quota", "research", "T4=8", "P40=0");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(new Dictionary<string, int> { ["T4"] = 8, ["P40"] = 0 }, client.Quota);
        Assert.Equal(["dept set-quota research"], client.Calls);
    }

    [Theory]
    [InlineData("T4", "error: POOL=GPUS: 'T4' is not POOL=GPUS. Write each quota as pool=gpus, e.g. T4=8")]
    [InlineData("T4=-2", "error: POOL=GPUS: 'T4=-2' has '-2' GPUs, which is not a whole number of 0 or more. Write e.g. T4=8 (T4=0 removes the quota)")]
    [InlineData("T4=many", "error: POOL=GPUS: 'T4=many' has 'many' GPUs, which is not a whole number of 0 or more. Write e.g. T4=8 (T4=0 removes the quota)")]
    public async Task DeptSetQuota_RejectsBadPairs(string pair, string expected)
    {
        var client = new RecordingClient();

        var run = await CliRun.RunAsync(client, "dept", "set-quota", "research", pair);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expected + "\n", run.Error);
        Assert.Null(client.Quota);
    }

    [Fact]
    public async Task JobList_PassesDepartmentAndStatusFilters()
    {
        var client = new RecordingClient();

        var run = await CliRun.RunAsync(client, "job", "list", "--dept", "research", "--status", "Running");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(("research", JobStatus.Running, 100), client.JobFilter);
    }

    [Theory]
    [InlineData("5", 5)]
    [InlineData("0", null)]
    public async Task JobList_PassesTheLimit_ZeroMeaningAll(string limit, int? expected)
    {
        var client = new RecordingClient();

        await CliRun.RunAsync(client, "job", "list", "--limit", limit);

        Assert.Equal((null, null, expected), client.JobFilter);
    }

    [Fact]
    public async Task JobList_RejectsNegativeLimit()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "job", "list", "--limit", "-3");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: --limit: -3 is below 0. Write e.g. --limit 100\n", run.Error);
    }

    [Fact]
    public async Task JobList_RejectsUnknownStatus()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "job", "list", "--status", "stuck");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: --status: 'stuck' is not one of pending, running, succeeded, failed, cancelled, preempted. Write e.g. --status pending\n", run.Error);
    }

    [Fact]
    public async Task Gateways_AreRepeatableAndCommaSeparated_AndClusterIdOverrides()
    {
        var client = new RecordingClient();

        await CliRun.RunAsync(client, "pool", "list", "--gateway", "10.0.0.1:30000,10.0.0.2:30001", "-g", "localhost", "--cluster-id", "prod");

        var options = Assert.Single(client.Connections);
        Assert.Equal(["10.0.0.1:30000", "10.0.0.2:30001", "localhost"], options.Gateways);
        Assert.Equal("prod", options.ClusterId);
    }

    [Fact]
    public async Task NoGateway_MeansTheLocalDefault()
    {
        var client = new RecordingClient();

        await CliRun.RunAsync(client, "pool", "list");

        var options = Assert.Single(client.Connections);
        Assert.Equal(["127.0.0.1:30000"], options.EffectiveGateways);
        Assert.Equal("wpai-local", options.ClusterId);
    }

    [Fact]
    public async Task JobCancel_PassesTheReason()
    {
        var client = new RecordingClient();

        var run = await CliRun.RunAsync(client, "job", "cancel", "resnet-1", "--reason", "wrong data");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["job get resnet-1", "job cancel resnet-1 (wrong data)"], client.Calls);
        Assert.Equal("Job resnet-1: Cancelled. wrong data\n", run.Output);
    }
}
