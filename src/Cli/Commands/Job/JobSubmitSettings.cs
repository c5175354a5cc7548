using System.Collections.Immutable;
using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;
using Rules = WPAI.Domain.Validation.Validate;
using WPAI.Domain.Text;

namespace WPAI.Cli.Commands.Job;

public sealed class JobSubmitSettings : WpaiSettings
{
    [CommandArgument(0, "[JOB-ID]")]
    [Description("Job id; submitting the same id again returns the existing job")]
    public string JobId { get; set; } = string.Empty;

    [CommandOption("--file <CSV>")]
    [Description("Submit every job of a CSV file (header id,dept,gpus,cpu,memory,gpu-models,duration[,template]) at once, instead of JOB-ID and options")]
    public string? File { get; set; }

    [CommandOption("-d|--dept <DEPARTMENT>")]
    [Description("Department whose quota the job uses")]
    public string? Department { get; set; }

    [CommandOption("--gpus <N>")]
    [Description("GPUs (0 for a CPU-only job)")]
    public string? Gpus { get; set; }

    [CommandOption("--cpu <CORES>")]
    [Description("CPU as cores (16) or millicores (500m)")]
    public string? Cpu { get; set; }

    [CommandOption("--memory <SIZE>")]
    [Description("Memory, e.g. 64Gi or 512Mi")]
    public string? Memory { get; set; }

    [CommandOption("-m|--gpu-models <MODELS>")]
    [Description("Acceptable GPU models in order of preference, e.g. T4,P40")]
    public string? GpuModels { get; set; }

    [CommandOption("--duration <DURATION>")]
    [Description("Expected run time, e.g. 2h, 90m, 1h30m")]
    public string? Duration { get; set; }

    [CommandOption("--template <NAME>")]
    [Description("Recurring job family, for right-sizing from earlier runs")]
    public string? Template { get; set; }

    [CommandOption("--long-running")]
    [Description("Expected to run more than 12 h: place on Fixed nodes only")]
    public bool LongRunning { get; set; }

    [CommandOption("--gpu-util <FRACTION>")]
    [Description("Workload: mean GPU utilization, 0..1 (simulated driver). Default 0.5")]
    public string? GpuUtilization { get; set; }

    [CommandOption("--gpu-memory <FRACTION>")]
    [Description("Workload: peak GPU-memory fraction, 0..1. Default 0.5")]
    public string? GpuMemory { get; set; }

    [CommandOption("--cpu-avg <FRACTION>")]
    [Description("Workload: mean CPU use as a fraction of the request, 0..1. Default 0.5")]
    public string? CpuAverage { get; set; }

    [CommandOption("--cpu-peak <FRACTION>")]
    [Description("Workload: peak CPU use as a fraction of the request, 0..1. Default 0.8")]
    public string? CpuPeak { get; set; }

    [CommandOption("--max-retries <N>")]
    [Description("Start a failed run (non-zero exit or signal) again up to N times. Default 0")]
    public string? MaxRetries { get; set; }

    [CommandOption("--grace <DURATION>")]
    [Description("Time a stopped run gets between SIGTERM and SIGKILL, e.g. 30s. Default: the node agent's (30s)")]
    public string? Grace { get; set; }

    [CommandOption("--checkpointable")]
    [Description("The job saves checkpoints: warn it (a reclaim-warning event) before its lent node is taken back")]
    public bool Checkpointable { get; set; }

    [CommandOption("--checkpoint-grace <DURATION>")]
    [Description("With --checkpointable: time between the warning and the kill, e.g. 10m. Default 5m")]
    public string? CheckpointGrace { get; set; }

    [CommandOption("--workdir <DIR>")]
    [Description("Absolute working directory on the node. Default: a fresh directory per attempt")]
    public string? WorkingDirectory { get; set; }

    [CommandOption("-e|--env <NAME=VALUE>")]
    [Description("Environment variable for the command (repeat for several)")]
    public string[] Environment { get; set; } = [];

    [CommandOption("--image <IMAGE>")]
    [Description("Container image (Kubernetes driver)")]
    public string? Image { get; set; }

    /// <summary>The job's command: the arguments after <c>--</c>.</summary>
    public ImmutableArray<string> Command { get; private set; } = [];

    protected internal override void AcceptRemaining(IReadOnlyList<string> raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        Command = [.. raw];
        if (File is null)
        {
            _ = ToSpec();
        }
    }

    public JobSpec ToSpec() => Build(commandPending: false);

    /// <summary>
    /// Builds and checks the spec. While <paramref name="commandPending"/> (option validation runs before the command
    /// after <c>--</c> is known) a missing --duration is not yet an error: a command job defaults it.
    /// </summary>
    private JobSpec Build(bool commandPending)
    {
        if (string.IsNullOrWhiteSpace(JobId))
        {
            throw new WpaiValidationException("JOB-ID", "is empty", "Give the job an id, e.g. ./wpai job submit resnet-1 ...");
        }

        if (string.IsNullOrWhiteSpace(Department))
        {
            throw new WpaiValidationException("--dept", "is required", "Name the department whose quota the job uses, e.g. --dept research");
        }

        if (Template is not null && string.IsNullOrWhiteSpace(Template))
        {
            throw new WpaiValidationException("--template", "is empty", "Leave it out, or name the job family, e.g. --template resnet");
        }

        var spec = new JobSpec(
            JobId.Trim(),
            Department.Trim(),
            Quantities.ParseNames(GpuModels, "--gpu-models", "T4,P40"),
            Quantities.ParseCount(Gpus, "--gpus", 0, "4", Rules.MaxGpus),
            Quantities.ParseCpuMilli(Cpu),
            Quantities.ParseMemoryMib(Memory),
            Duration is null && (commandPending || !Command.IsEmpty) ? DefaultCommandDuration : DurationText.Parse(Duration, "--duration"),
            Template?.Trim(),
            ToWorkload(),
            LongRunning,
            Command,
            WorkingDirectory,
            ParseEnvironment(),
            Image,
            MaxRetries is null ? 0 : Quantities.ParseCount(MaxRetries, "--max-retries", 0, "2"),
            Grace is null ? null : DurationText.Parse(Grace, "--grace"),
            Checkpointable,
            CheckpointGrace is null ? null : DurationText.Parse(CheckpointGrace, "--checkpoint-grace"));
        Rules.RunSettings(spec);
        Rules.Job(spec); // the same rules the cluster applies, checked before connecting
        return spec;
    }

    /// <summary>The expected run time of a command job submitted without --duration.</summary>
    public static readonly TimeSpan DefaultCommandDuration = TimeSpan.FromHours(1);

    private ImmutableDictionary<string, string>? ParseEnvironment()
    {
        if (Environment.Length == 0)
        {
            return null;
        }

        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var entry in Environment)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new WpaiValidationException("--env", $"'{entry}' is not NAME=VALUE", "Write e.g. --env EPOCHS=3");
            }

            builder[entry[..equals]] = entry[(equals + 1)..];
        }

        return builder.ToImmutable();
    }

    protected override void ValidateOptions()
    {
        if (File is null)
        {
            _ = Build(commandPending: true);
            return;
        }

        if (!string.IsNullOrWhiteSpace(JobId) || Department is not null || Gpus is not null)
        {
            throw new WpaiValidationException("--file", "is given together with JOB-ID or job options", "Give either a JOB-ID with its options or --file FILE.csv alone.");
        }

        _ = JobFile.Read(File);
    }

    private WorkloadProfile? ToWorkload()
    {
        if (GpuUtilization is null && GpuMemory is null && CpuAverage is null && CpuPeak is null)
        {
            return null;
        }

        var defaults = WorkloadProfile.Default;
        var workload = new WorkloadProfile(
            GpuUtilization is null ? defaults.GpuUtilization : Quantities.ParseFraction(GpuUtilization, "--gpu-util"),
            GpuMemory is null ? defaults.GpuMemoryFraction : Quantities.ParseFraction(GpuMemory, "--gpu-memory"),
            CpuAverage is null ? defaults.CpuAverage : Quantities.ParseFraction(CpuAverage, "--cpu-avg"),
            CpuPeak is null ? defaults.CpuPeak : Quantities.ParseFraction(CpuPeak, "--cpu-peak"));
        if (workload.CpuPeak < workload.CpuAverage)
        {
            throw new WpaiValidationException("--cpu-peak", $"{workload.CpuPeak} is below the average {workload.CpuAverage}", "Make --cpu-peak at least --cpu-avg");
        }

        return workload;
    }
}
