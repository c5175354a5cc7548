using System.Collections.Immutable;
using System.Globalization;
using Spectre.Console;
using WPAI.Abstractions.Contracts;

namespace WPAI.Cli.Rendering;

/// <summary>Tables for nodes.</summary>
public static class NodeRendering
{
    public static void List(IAnsiConsole console, ImmutableArray<NodeView> nodes)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (nodes.IsDefaultOrEmpty)
        {
            console.WriteLine("No nodes. Register one with: ./wpai node add NAME --pool T4 --gpus 4 --cpu 32 --memory 256Gi");
            return;
        }

        var table = Tables.List("NODE", "POOL", "MODE", "GPUS", "CPU", "MEMORY", "ALLOCATIONS");
        foreach (var node in nodes)
        {
            var capacity = node.Spec.Capacity;
            table.AddRow(
                node.Spec.Name,
                node.Spec.Pool,
                Mode(node),
                Format.UsedOf(node.Allocated.Gpus, capacity.Gpus),
                $"{Format.Cpu(node.Allocated.CpuMilli)}/{Format.Cpu(capacity.CpuMilli)}",
                $"{Format.Memory(node.Allocated.MemoryMib)}/{Format.Memory(capacity.MemoryMib)}",
                (node.Allocations.IsDefault ? 0 : node.Allocations.Length).ToString(CultureInfo.InvariantCulture));
        }

        console.Write(table);
    }

    public static void Show(IAnsiConsole console, NodeView node)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(node);
        console.Write(Tables.Details(
        [
            ("Node", node.Spec.Name),
            ("Pool", node.Spec.Pool),
            ("Mode", Mode(node)),
            ("Capacity", Format.Resources(node.Spec.Capacity)),
            ("Allocated", Format.Resources(node.Allocated)),
            ("Free", Format.Resources(node.Free)),
            ("Version", node.Version.ToString(CultureInfo.InvariantCulture)),
        ]));

        var allocations = node.Allocations.IsDefault ? [] : node.Allocations;
        if (!allocations.IsEmpty)
        {
            var table = Tables.List("OWNER", "KIND", "GPUS", "CPU", "MEMORY", "SINCE");
            foreach (var a in allocations)
            {
                table.AddRow(
                    a.OwnerId,
                    a.Kind.ToString(),
                    a.Resources.Gpus.ToString(CultureInfo.InvariantCulture),
                    Format.Cpu(a.Resources.CpuMilli),
                    Format.Memory(a.Resources.MemoryMib),
                    Format.Time(a.Since));
            }

            Tables.Section(console, "Allocations", table);
        }

        var transitions = node.Transitions.IsDefault ? [] : node.Transitions;
        if (!transitions.IsEmpty)
        {
            var table = Tables.List("AT", "FROM", "TO", "REASON");
            foreach (var t in transitions)
            {
                table.AddRow(Format.Time(t.At), t.From.ToString(), t.Target is { } target && target != t.To ? $"{t.To} (target {target})" : t.To.ToString(), t.Reason);
            }

            Tables.Section(console, "Mode changes", table);
        }
    }

    public static void Changed(IAnsiConsole console, NodeView node)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(node);
        console.WriteLine($"Node {node.Spec.Name}: mode {Mode(node)}.");
    }

    private static string Mode(NodeView node) => Format.Mode(node.Mode, node.TargetMode) + (node.Cordoned ? ", cordoned" : string.Empty);

    public static void Added(IAnsiConsole console, NodeView node)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(node);
        console.WriteLine($"Node {node.Spec.Name} registered in pool {node.Spec.Pool}: {Format.Resources(node.Spec.Capacity)}, mode {Format.Mode(node.Mode, node.TargetMode)}.");
    }
}
