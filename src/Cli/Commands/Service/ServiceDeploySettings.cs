using System.Collections.Immutable;
using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Commands.Service;

public sealed class ServiceDeploySettings : WpaiSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("Service name")]
    public string Name { get; set; } = string.Empty;

    [CommandOption("--model <MODEL>")]
    [Description("The model the replicas serve")]
    public string? Model { get; set; }

    [CommandOption("--pool <POOL>")]
    [Description("The pool (GPU model) whose online nodes host the replicas")]
    public string? Pool { get; set; }

    [CommandOption("--models <DIR>")]
    [Description("Model repository folder the replicas' model servers serve (DIR/MODEL/VERSION/model.onnx; agent driver)")]
    public string? Models { get; set; }

    [CommandOption("--gpus <N>")]
    [Description("GPUs per replica (default 1)")]
    public string? Gpus { get; set; }

    [CommandOption("--cpu <CORES>")]
    [Description("CPU per replica, cores or millicores (default 4)")]
    public string? Cpu { get; set; }

    [CommandOption("--memory <SIZE>")]
    [Description("Memory per replica (default 16Gi)")]
    public string? Memory { get; set; }

    [CommandOption("--capacity-qps <QPS>")]
    [Description("Requests per second one replica serves")]
    public string? CapacityQps { get; set; }

    [CommandOption("--min <N>")]
    [Description("Fewest replicas (default 1)")]
    public string? Min { get; set; }

    [CommandOption("--max <N>")]
    [Description("Most replicas (default 10)")]
    public string? Max { get; set; }

    [CommandOption("--target-utilization <F>")]
    [Description("Target QPS per replica as a fraction of its capacity (default 0.7)")]
    public string? TargetUtilization { get; set; }

    [CommandOption("--latency-slo <MS>")]
    [Description("p99 latency SLO in milliseconds (default 200)")]
    public string? LatencySlo { get; set; }

    [CommandOption("--error-slo <F>")]
    [Description("Error-rate SLO as a fraction (default 0.01)")]
    public string? ErrorSlo { get; set; }

    public InferenceServiceSpec ToSpec()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new WpaiValidationException("NAME", "is empty", "Name the service, e.g. ./wpai service deploy resnet ...");
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            throw new WpaiValidationException("--model", "is required", "Name the model the replicas serve, e.g. --model resnet18");
        }

        if (string.IsNullOrWhiteSpace(Pool))
        {
            throw new WpaiValidationException("--pool", "is required", "Name the pool (GPU model) of the online nodes, e.g. --pool T4");
        }

        var capacity = Number(CapacityQps, "--capacity-qps", null);
        var utilization = Quantities.ParseFraction(TargetUtilization ?? "0.7", "--target-utilization");
        var resources = new Resources(
            Quantities.ParseCount(Gpus ?? "1", "--gpus", 0, "1"),
            Quantities.ParseCpuMilli(Cpu ?? "4"),
            Quantities.ParseMemoryMib(Memory ?? "16Gi"));
        return new InferenceServiceSpec(
            Name.Trim(),
            Model.Trim(),
            Pool.Trim(),
            resources,
            capacity,
            Quantities.ParseCount(Min ?? "1", "--min", 0, "1"),
            Quantities.ParseCount(Max ?? "10", "--max", 1, "10"),
            ImmutableDictionary<ScalingMetric, double>.Empty.Add(ScalingMetric.QpsPerReplica, capacity * utilization),
            TimeSpan.FromMilliseconds(Number(LatencySlo ?? "200", "--latency-slo", 200)),
            Quantities.ParseFraction(ErrorSlo ?? "0.01", "--error-slo"),
            ModelRepositoryOption.Resolve(Models, Model.Trim()));
    }

    protected override void ValidateOptions() => _ = ToSpec();

    private static double Number(string? text, string option, double? fallback)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback ?? throw new WpaiValidationException(option, "is required", $"Give a positive number, e.g. {option} 50");
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0) || double.IsInfinity(value))
        {
            throw new WpaiValidationException(option, $"'{text}' is not a positive number", $"Give a positive number, e.g. {option} 50");
        }

        return value;
    }
}
