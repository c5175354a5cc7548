using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace WPAI.Benchmarks;

/// <summary>
/// Every method the JIT compiles, with its tier, and every precompiled (ReadyToRun) method called for the first time, as
/// the runtime reports them in the process (<c>Microsoft-Windows-DotNETRuntime</c>: <c>MethodLoadVerbose</c> under the
/// JIT keyword, <c>R2RGetEntryPoint</c> under the compilation-diagnostic keyword), each labelled with the phase of the
/// benchmark it happened in. Opt-in (<c>--jit-log FILE</c>): listening costs CPU of its own, so a run that measures CPU
/// per placement should not use it.
/// </summary>
internal sealed class JitMethodLog : EventListener
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const long JitKeyword = 0x10;
    private const long CompilationDiagnosticKeyword = 0x2000000000;
    private const int MethodLoadVerbose = 143;
    private const int R2RGetEntryPoint = 159;

    // The tier in MethodFlags bits 7-9 (the runtime's ETW::MethodLog::JitOptimizationTier).
    private static readonly string[] Tiers =
        ["unknown", "min-opts", "optimized", "tier-0", "tier-1", "tier-1-osr", "tier-0-instrumented", "tier-1-instrumented"];

    private readonly ConcurrentQueue<Entry> _entries = new();
    private volatile string _phase = "start-up";

    /// <summary>Labels what is recorded from now on.</summary>
    public void Mark(string phase) => _phase = phase;

    public IReadOnlyList<Entry> Entries => [.. _entries];

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeProvider)
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)(JitKeyword | CompilationDiagnosticKeyword));
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId is not (MethodLoadVerbose or R2RGetEntryPoint) || eventData.Payload is not { } payload || eventData.PayloadNames is not { } names)
        {
            return;
        }

        string Text(string name) => names.IndexOf(name) is var i and >= 0 ? payload[i] as string ?? "" : "";
        if (eventData.EventId == R2RGetEntryPoint)
        {
            // Not compiled, but new code for the runtime's tiering as a first JIT compilation at tier 0 is.
            _entries.Enqueue(new Entry(_phase, eventData.TimeStamp, "ready-to-run-first-call", false, Text("MethodNamespace"), Text("MethodName"), Text("MethodSignature")));
            return;
        }

        var flags = names.IndexOf("MethodFlags") is var f and >= 0 ? Convert.ToUInt32(payload[f], CultureInfo.InvariantCulture) : 0u;
        _entries.Enqueue(new Entry(_phase, eventData.TimeStamp, Tiers[(flags >> 7) & 0x7], (flags & 0x1) != 0, Text("MethodNamespace"), Text("MethodName"), Text("MethodSignature")));
    }

    /// <summary>Writes the entries as tab-separated lines.</summary>
    public static void Write(string path, IReadOnlyList<Entry> entries)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("phase\tat\tkind\tdynamic\ttype\tmethod\tsignature");
        foreach (var e in entries)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{e.Phase}\t{e.At:HH:mm:ss.fff}\t{e.Kind}\t{e.Dynamic}\t{e.Type}\t{e.Method}\t{e.Signature}"));
        }
    }

    /// <param name="Kind">The tier it was compiled at, or <c>ready-to-run-first-call</c>.</param>
    internal sealed record Entry(string Phase, DateTime At, string Kind, bool Dynamic, string Type, string Method, string Signature);
}
