using System.Collections.Immutable;
using System.Globalization;
using WPAI.Abstractions.Errors;
using WPAI.Simulation.Policies;
using WPAI.Simulation.Workload;

namespace WPAI.Simulation;

/// <summary>
/// The arguments of <c>wpai simulate</c>:
/// <c>--nodes FILE --pods FILE [--policies wpai,static-quota,fifo] [--offered-load R | --sweep-load R1,R2,…] [--fleet-scale F]
/// [--quota-mode equal|proportional] [--max-duration 7d] [--seed N] [--out DIR]</c>, or <c>--synthetic [--jobs N] [--node-count N] [--days N]</c>.
/// With <c>--synthetic</c> and no load option the offered load is 0.9.
/// </summary>
public sealed record SimulationArguments
{
    public string? Nodes { get; init; }

    public string? Pods { get; init; }

    public bool Synthetic { get; init; }

    public int Jobs { get; init; } = 2_000;

    public int NodeCount { get; init; } = 40;

    public double Days { get; init; } = 7;

    public ImmutableArray<PolicyPreset> Policies { get; init; } = [PolicyPresets.Wpai, PolicyPresets.StaticQuota, PolicyPresets.Fifo];

    /// <summary>Offered loads to run; empty = the trace's own pace.</summary>
    public ImmutableArray<double> Loads { get; init; } = [];

    public double FleetScale { get; init; } = 1.0;

    public QuotaMode QuotaMode { get; init; } = QuotaMode.Equal;

    public TimeSpan MaxDuration { get; init; } = WorkloadOptions.DefaultMaxDuration;

    public int Seed { get; init; } = 1;

    public string Out { get; init; } = "simulation-report";

    /// <summary>The loads actually run: the given ones, else 0.9 for synthetic workloads, else the natural pace (null).</summary>
    public IReadOnlyList<double?> EffectiveLoads =>
        !Loads.IsDefaultOrEmpty ? [.. Loads.Select(l => (double?)l)] : Synthetic ? [0.9] : [null];

    public string Source => Synthetic
        ? FormattableString.Invariant($"synthetic ({Jobs} jobs, {NodeCount} nodes, {Days} days)")
        : Path.GetFileName(Pods ?? string.Empty);

    public void Validate()
    {
        if (Synthetic && (Nodes is not null || Pods is not null))
        {
            throw new WpaiValidationException("--synthetic", "cannot be combined with --nodes/--pods", "Either replay a trace (--nodes and --pods) or generate one (--synthetic).");
        }

        if (!Synthetic && (Nodes is null || Pods is null))
        {
            throw new WpaiValidationException(Nodes is null ? "--nodes" : "--pods", "is required to replay a trace", "Pass --nodes FILE --pods FILE (e.g. shared/data/traces/openb_node_list_gpu_node.csv), or --synthetic.");
        }

        if (Policies.IsDefaultOrEmpty)
        {
            throw new WpaiValidationException("--policies", "is empty", $"Name at least one of {string.Join(", ", PolicyPresets.All.Select(p => p.Name))}.");
        }

        if (!Loads.IsDefaultOrEmpty && Loads.Any(l => !(l > 0)))
        {
            throw new WpaiValidationException("--offered-load", "every offered load must be positive", "Use e.g. --sweep-load 0.5,0.7,0.9,1.1,1.3.");
        }
    }

    public static SimulationArguments Parse(IReadOnlyList<string> args)
    {
        var result = new SimulationArguments();
        var loadGiven = false;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new WpaiValidationException(name, "needs a value", $"Write {name} VALUE.");
            result = name switch
            {
                "--nodes" => result with { Nodes = Value() },
                "--pods" => result with { Pods = Value() },
                "--synthetic" => result with { Synthetic = true },
                "--jobs" => result with { Jobs = ParseInt(name, Value()) },
                "--node-count" => result with { NodeCount = ParseInt(name, Value()) },
                "--days" => result with { Days = ParseDouble(name, Value()) },
                "--policies" => result with { Policies = PolicyPresets.Parse(Value()) },
                "--offered-load" when loadGiven => throw new WpaiValidationException(name, "conflicts with another load option", "Use either --offered-load R or --sweep-load R1,R2,…."),
                "--offered-load" => result with { Loads = [ParseDouble(name, Value())] },
                "--sweep-load" when loadGiven => throw new WpaiValidationException(name, "conflicts with another load option", "Use either --offered-load R or --sweep-load R1,R2,…."),
                "--sweep-load" => result with { Loads = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => ParseDouble(name, v))] },
                "--fleet-scale" => result with { FleetScale = ParseDouble(name, Value()) },
                "--quota-mode" => result with { QuotaMode = ParseQuotaMode(Value()) },
                "--max-duration" => result with { MaxDuration = ParseDuration(name, Value()) },
                "--seed" => result with { Seed = ParseInt(name, Value()) },
                "--out" => result with { Out = Value() },
                _ => throw new WpaiValidationException(name, "is not an option of simulate", "Options: --nodes --pods --synthetic --jobs --node-count --days --policies --offered-load --sweep-load --fleet-scale --quota-mode --max-duration --seed --out."),
            };
            loadGiven |= name is "--offered-load" or "--sweep-load";
        }

        result.Validate();
        return result;
    }

    /// <summary>Parses <c>90s</c>, <c>30m</c>, <c>12h</c>, <c>7d</c> or a <see cref="TimeSpan"/> (<c>1.00:00:00</c>).</summary>
    public static TimeSpan ParseDuration(string field, string text)
    {
        var t = text.Trim();
        if (t.Length > 1 && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            switch (char.ToLowerInvariant(t[^1]))
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        }

        if (TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
        {
            return span;
        }

        throw new WpaiValidationException(field, $"'{text}' is not a positive duration", "Write it like 90s, 30m, 12h or 7d.");
    }

    private static QuotaMode ParseQuotaMode(string text) => text.Trim().ToLowerInvariant() switch
    {
        "equal" => QuotaMode.Equal,
        "proportional" => QuotaMode.Proportional,
        _ => throw new WpaiValidationException("--quota-mode", $"'{text}' is not a quota mode", "Use equal or proportional."),
    };

    private static int ParseInt(string field, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new WpaiValidationException(field, $"'{text}' is not an integer", $"Write {field} as a whole number.");

    private static double ParseDouble(string field, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new WpaiValidationException(field, $"'{text}' is not a number", $"Write {field} as a number such as 0.9.");
}
