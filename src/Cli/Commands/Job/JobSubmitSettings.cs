using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;
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

    public JobSpec ToSpec()
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

        return new JobSpec(
            JobId.Trim(),
            Department.Trim(),
            Quantities.ParseNames(GpuModels, "--gpu-models", "T4,P40"),
            Quantities.ParseCount(Gpus, "--gpus", 0, "4"),
            Quantities.ParseCpuMilli(Cpu),
            Quantities.ParseMemoryMib(Memory),
            DurationText.Parse(Duration, "--duration"),
            Template?.Trim(),
            ToWorkload(),
            LongRunning);
    }

    protected override void ValidateOptions()
    {
        if (File is null)
        {
            _ = ToSpec();
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
