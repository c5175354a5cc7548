using System.Collections.Immutable;
using System.Globalization;
using Spectre.Console;
using WPAI.Abstractions.Contracts.Inference;

namespace WPAI.Cli.Rendering;

/// <summary>Tables for inference services and their scaling decisions.</summary>
public static class ServiceRendering
{
    public static void List(IAnsiConsole console, ImmutableArray<InferenceServiceView> services)
    {
        var table = Tables.List("service", "model", "pool", "replicas", "desired", "pending", "range", "forecaster");
        foreach (var s in services)
        {
            table.AddRow(
                s.Spec.Name,
                s.Spec.Model,
                s.Spec.Pool,
                s.Replicas.Length.ToString(CultureInfo.InvariantCulture),
                s.DesiredReplicas.ToString(CultureInfo.InvariantCulture),
                s.PendingReplicas.ToString(CultureInfo.InvariantCulture),
                $"{s.Spec.MinReplicas}–{s.Spec.MaxReplicas}",
                s.Forecaster.ToString());
        }

        console.Write(table);
    }

    public static void Show(IAnsiConsole console, InferenceServiceView s)
    {
        console.MarkupLine($"[bold]{Markup.Escape(s.Spec.Name)}[/] serves {Markup.Escape(s.Spec.Model)} in pool {Markup.Escape(s.Spec.Pool)}: {s.Replicas.Length} replicas running, {s.DesiredReplicas} desired, {s.PendingReplicas} pending, range {s.Spec.MinReplicas}–{s.Spec.MaxReplicas}, {s.Spec.CapacityQps.ToString("0.##", CultureInfo.InvariantCulture)} QPS per replica");
        if (s.Address is { } address)
        {
            console.MarkupLine($"address: {Markup.Escape(address)} (and {Markup.Escape(address[..address.IndexOf("/services/", StringComparison.Ordinal)])}/v2/models/{Markup.Escape(s.Spec.Model)}/…)");
        }

        if (s.Spec.ModelRepository is { } models)
        {
            console.MarkupLine($"models: {Markup.Escape(models)}{(s.RolloutTarget is { } target ? $", rolling out {Markup.Escape(target)}" : string.Empty)}");
        }

        if (s.Problem is { } problem)
        {
            console.MarkupLine($"[red]problem:[/] {Markup.Escape(problem)}");
        }

        console.MarkupLine($"forecaster: {Markup.Escape(s.Forecaster.ToString())}");
        var replicas = Tables.List("replica", "node", "port", "state", "pid", "started", "last load", "detail");
        foreach (var r in s.Replicas)
        {
            replicas.AddRow(r.Id, r.Node, Port(r.Url), r.Phase.ToString(), r.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-",
                r.StartedAt.ToString("u", CultureInfo.InvariantCulture), Load(r.Load), r.Detail ?? string.Empty);
        }

        console.Write(replicas);
        var decisions = Tables.List("at", "from", "to", "kind", "metric", "observed", "forecast", "target", "reason");
        foreach (var d in s.Decisions.TakeLast(20))
        {
            AddDecision(decisions, d);
        }

        console.Write(decisions);
    }

    public static void Decision(IAnsiConsole console, ScalingDecisionView d)
    {
        var table = Tables.List("at", "from", "to", "kind", "metric", "observed", "forecast", "target", "reason");
        AddDecision(table, d);
        console.Write(table);
    }

    private static string Port(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Port.ToString(CultureInfo.InvariantCulture) : "-";

    private static string Load(ReplicaLoadSample? l) => l is null ? "-" : string.Create(CultureInfo.InvariantCulture,
        $"{l.Qps:0.#} QPS, p50 {l.P50Ms:0} ms, p99 {l.P99Ms:0} ms, err {l.ErrorRate * 100:0.#} %, CPU {l.CpuMilli:0}m at {l.At:HH:mm:ss}");

    private static void AddDecision(Table table, ScalingDecisionView d) => table.AddRow(
        d.At.ToString("u", CultureInfo.InvariantCulture),
        d.FromReplicas.ToString(CultureInfo.InvariantCulture),
        d.ToReplicas.ToString(CultureInfo.InvariantCulture),
        d.Kind,
        d.Metric?.ToString() ?? "-",
        d.Observed.ToString("0.##", CultureInfo.InvariantCulture),
        d.Forecast?.ToString("0.##", CultureInfo.InvariantCulture) ?? "-",
        d.Target.ToString("0.##", CultureInfo.InvariantCulture),
        d.Reason);
}
