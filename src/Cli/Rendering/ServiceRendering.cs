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
        console.MarkupLine($"forecaster: {Markup.Escape(s.Forecaster.ToString())}");
        var replicas = Tables.List("replica", "node", "started");
        foreach (var r in s.Replicas)
        {
            replicas.AddRow(r.Id, r.Node, r.StartedAt.ToString("u", CultureInfo.InvariantCulture));
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
