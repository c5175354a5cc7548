using Prometheus;
using WPAI.Grains.Telemetry;

namespace WPAI.Silo.Metrics;

/// <summary>
/// Counts the grain calls this silo runs by where they were sent from — this silo (<c>local</c>), another silo
/// (<c>silo</c>), or a client through a gateway (<c>client</c>, forwarded or not) — per grain interface and method:
/// <c>wpai_grain_calls_total{interface,method,origin}</c> on <c>/metrics</c>. The sending silo travels in the call's
/// request context (stamped by this filter on every outgoing call, read and removed on arrival), a few bytes per
/// message, so it is off unless <see cref="ConfigurationKey"/> is true (<see cref="AddTo"/>); the cluster
/// benchmark turns it on with <c>--count-calls</c> to print the calls that cross silos per job.
/// </summary>
public sealed class CallOrigins : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
{
    /// <summary>The configuration switch (<c>--Wpai:Metrics:CountCallOrigins true</c>).</summary>
    public const string ConfigurationKey = "Wpai:Metrics:CountCallOrigins";

    /// <summary>Origin label of a call sent by a grain or service of the silo that runs it.</summary>
    public const string Local = "local";

    /// <summary>Origin label of a call sent by another silo.</summary>
    public const string OtherSilo = "silo";

    /// <summary>Origin label of a call sent by a client.</summary>
    public const string Client = "client";

    private const string SenderKey = "wpai-sender";

    private readonly Counter _calls;
    private readonly Lazy<string> _self;

    public CallOrigins(ILocalSiloDetails silo, WpaiMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(metrics);
        _self = new Lazy<string>(() => silo.SiloAddress.ToParsableString());
        _calls = Prometheus.Metrics.WithCustomRegistry(metrics.Registry).CreateCounter(
            "wpai_grain_calls_total",
            "Grain calls this silo ran, by grain interface, method and origin (local: sent from this silo; silo: from another silo; client: from a client through a gateway). Counted only with Wpai:Metrics:CountCallOrigins.",
            "interface", "method", "origin");
    }

    /// <summary>Registers the filter on a silo (what <see cref="ConfigurationKey"/> does on the WPAI silo host).</summary>
    public static ISiloBuilder AddTo(ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<CallOrigins>();
        builder.Services.AddSingleton<IIncomingGrainCallFilter>(sp => sp.GetRequiredService<CallOrigins>());
        builder.Services.AddSingleton<IOutgoingGrainCallFilter>(sp => sp.GetRequiredService<CallOrigins>());
        return builder;
    }

    /// <summary>The calls counted so far, keyed <c>Interface.Method</c>, per origin.</summary>
    public IReadOnlyDictionary<(string Call, string Origin), double> Snapshot()
    {
        var counts = new Dictionary<(string, string), double>();
        foreach (var labels in _calls.GetAllLabelValues())
        {
            counts[($"{labels[0]}.{labels[1]}", labels[2])] = _calls.WithLabels(labels).Value;
        }

        return counts;
    }

    Task IOutgoingGrainCallFilter.Invoke(IOutgoingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        RequestContext.Set(SenderKey, _self.Value);
        return context.Invoke();
    }

    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sender = RequestContext.Get(SenderKey) as string;
        RequestContext.Remove(SenderKey); // the calls this one makes are stamped anew
        var origin = sender is null ? Client : string.Equals(sender, _self.Value, StringComparison.Ordinal) ? Local : OtherSilo;
        _calls.WithLabels(Short(context.InterfaceName), context.MethodName, origin).Inc();
        return context.Invoke();
    }

    private static string Short(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot < 0 ? name : name[(dot + 1)..];
    }
}
