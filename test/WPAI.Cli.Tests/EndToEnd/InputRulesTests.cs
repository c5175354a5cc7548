using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Tests.EndToEnd;

/// <summary>
/// Every bad input from the hardening review, as a table against a real silo: the exit code, the one-line message (the
/// field as typed, the rule or the bound, no raw control characters) and that nothing in the cluster changed.
/// </summary>
public sealed class InputRulesTests(SiloFixture silo) : IClassFixture<SiloFixture>
{
    private const string IdRule = "[a-z0-9]([-a-z0-9._]*[a-z0-9])?";

    public static TheoryData<string[], int, string> Refusals => new()
    {
        { Submit("a/../../etc/passwd"), 2, "error: JOB-ID: 'a/../../etc/passwd' is not a valid id: character '/' at position 2 is not allowed" },
        { Submit("eng/ml"), 2, IdRule },
        { Submit("Train-1"), 2, "error: JOB-ID: 'Train-1' is not a valid id: upper-case letter 'T' at position 1 (use 't')" },
        { Submit("x\u001b[31mred\u0007"), 2, "'x\\u{001B}[31mred\\u{0007}' is not a valid id: character U+001B at position 2 is not allowed" },
        { Submit("caf\u00e9"), 2, "character U+00E9 at position 4 is not allowed" },
        { Submit(new string('a', 64)), 2, "64 characters is too long (max 63)" },
        { Submit("x-1", "--gpus", "999999999999"), 2, "error: --gpus: '999999999999' is too large (max 64)" },
        { Submit("x-1", "--gpus", "65"), 2, "error: --gpus: '65' is too large (max 64)" },
        { Submit("x-1", "--memory", "99999999999Gi"), 2, "error: --memory: '99999999999Gi' is too large (max 16Ti)" },
        { Submit("x-1", "--cpu", "5000"), 2, "error: --cpu: '5000' is too large (max 1024 cores)" },
        { Submit("x-1", "--duration", "99999999h"), 2, "error: --duration: '99999999h' is too large (max 366d)" },
        { Submit("x-1", "--gpus", "0"), 2, "error: --gpus: 0 GPUs is for CPU-only jobs, which run in the 'cpu' pool only" },
        { Submit("x-1", "--dept", "Research"), 2, "error: --dept: 'Research' is not a valid id" },
        { Submit("x-1", "--dept", "nobody"), 2, "error: --dept: unknown department 'nobody'. Create it first: wpai dept set-quota nobody T4=0" },
        { ["dept", "set-quota", "research", "T4=99999999999"], 2, "T4=99999999999': 99999999999 GPUs is too large (max 100000)" },
        { ["dept", "set-quota", "research", "T4=100001"], 2, "error: QUOTA T4=…: 100,001 GPUs is too large (max 100,000)" },
        { ["node", "add", "rules-a", "--pool", "T4", "--gpus", "8", "--cpu", "64", "--memory", "256Gi", "--mode", "down"], 2, "error: --mode: node rules-a is already registered (mode fixed); node add does not change the mode of an existing node. Use: wpai node set-mode rules-a down" },
        { ["node", "add", "rules-b", "--pool", "T4", "--gpus", "100", "--cpu", "32", "--memory", "128Gi"], 2, "error: --gpus: '100' is too large (max 64)" },
        { ["job", "list", "--after", "never-listed"], 2, "error: --after: job 'never-listed' is not in the job list" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task BadInput_IsRefusedWithTheFieldAsTyped_AndChangesNothing(string[] args, int exitCode, string message)
    {
        await EnsureFleetAsync();
        var before = await SettledStateAsync();

        var run = await CliRun.RunAsync(new OrleansConnector(), [.. args, .. silo.Target]);

        Assert.Equal(exitCode, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain(run.Error, c => char.IsControl(c) && c != '\n');
        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task DuplicateId_WithAnotherSpec_IsRefusedNamingTheFields_TheSameSpecIsIdempotent()
    {
        await EnsureFleetAsync();
        string[] spec = ["job", "submit", "dup-1", "--dept", "research", "--gpus", "1", "--cpu", "1", "--memory", "1Gi", "--gpu-models", "T4", "--duration", "10h"];
        Assert.Equal(0, (await RunAsync(spec)).ExitCode);
        var before = await SettledStateAsync();

        var again = await RunAsync(spec);
        var other = await RunAsync(["job", "submit", "dup-1", "--dept", "research", "--gpus", "2", "--cpu", "1", "--memory", "1Gi", "--gpu-models", "T4", "--duration", "5h"]);

        Assert.Equal(0, again.ExitCode);
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("error: JOB-ID: job 'dup-1' already exists with a different spec (--gpus, --duration differ). Submit it under a new id, or repeat the identical spec", other.Error, StringComparison.Ordinal);
        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task Cancel_OfAFinishedJob_SaysNothingWasCancelled_WithExit0()
    {
        await EnsureFleetAsync();
        Assert.Equal(0, (await RunAsync(["job", "submit", "fin-1", "--dept", "research", "--gpus", "1", "--cpu", "1", "--memory", "1Gi", "--gpu-models", "T4", "--duration", "10h"])).ExitCode);
        Assert.Equal(0, (await RunAsync(["job", "cancel", "fin-1"])).ExitCode);

        var again = await RunAsync(["job", "cancel", "fin-1"]);

        Assert.Equal(0, again.ExitCode);
        Assert.Equal("Job fin-1: already Cancelled; nothing cancelled.\n", again.Output);
    }

    [Fact]
    public async Task UnknownDepartmentHint_RunsAsWritten()
    {
        await EnsureFleetAsync();
        var refused = await RunAsync(["job", "submit", "hint-1", "--dept", "newdept", "--gpus", "1", "--cpu", "1", "--memory", "1Gi", "--gpu-models", "T4", "--duration", "1h"]);
        var hint = refused.Error[(refused.Error.IndexOf("Create it first: wpai ", StringComparison.Ordinal) + "Create it first: wpai ".Length)..].TrimEnd('\n', '.');

        var created = await RunAsync(hint.Split(' '));

        Assert.True(created.ExitCode == 0, created.Error);
        Assert.Equal(0, (await RunAsync(["job", "submit", "hint-1", "--dept", "newdept", "--gpus", "1", "--cpu", "1", "--memory", "1Gi", "--gpu-models", "T4", "--duration", "1h"])).ExitCode);
    }

    private static string[] Submit(string id, params string[] overrides)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--dept"] = "research", ["--gpus"] = "1", ["--cpu"] = "1", ["--memory"] = "1Gi", ["--gpu-models"] = "T4", ["--duration"] = "1h",
        };
        for (var i = 0; i + 1 < overrides.Length; i += 2)
        {
            options[overrides[i]] = overrides[i + 1];
        }

        return ["job", "submit", id, .. options.SelectMany(kv => new[] { kv.Key, kv.Value })];
    }

    private async Task EnsureFleetAsync()
    {
        Assert.Equal(0, (await RunAsync(["node", "add", "rules-a", "--pool", "T4", "--gpus", "8", "--cpu", "64", "--memory", "256Gi"])).ExitCode);
        Assert.Equal(0, (await RunAsync(["dept", "set-quota", "research", "T4=4"])).ExitCode);
    }

    /// <summary>The state once earlier submits have been placed (two reads in a row agree), so a refusal is compared against a still cluster.</summary>
    private async Task<string> SettledStateAsync()
    {
        var last = await StateAsync();
        for (var i = 0; i < 50; i++)
        {
            await Task.Delay(100);
            var next = await StateAsync();
            if (next == last)
            {
                return next;
            }

            last = next;
        }

        return last;
    }

    /// <summary>What a refusal must not change: jobs, nodes, departments (as JSON).</summary>
    private async Task<string> StateAsync()
    {
        var jobs = await RunAsync(["job", "list", "--limit", "0", "--output", "json"]);
        var nodes = await RunAsync(["node", "list", "--output", "json"]);
        var departments = await RunAsync(["dept", "list", "--output", "json"]);
        return string.Join("\n", Normalize(jobs.Output), nodes.Output, Normalize(departments.Output));
    }

    /// <summary>Wait times and the GPU-hours of running jobs grow while the test runs; everything else must stay identical.</summary>
    private static string Normalize(string json) =>
        System.Text.RegularExpressions.Regex.Replace(
            System.Text.RegularExpressions.Regex.Replace(json, "\"waited\": \"[^\"]*\"", "\"waited\": \"…\""),
            "\"gpuHoursLastWeek\": \\{[^}]*\\}",
            "\"gpuHoursLastWeek\": {…}");

    private Task<CliRun> RunAsync(string[] args) => CliRun.RunAsync(new OrleansConnector(), [.. args, .. silo.Target]);
}
