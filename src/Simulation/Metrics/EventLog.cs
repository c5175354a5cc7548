namespace WPAI.Simulation.Metrics;

/// <summary>The record of one run, in the order things happened (times never decrease).</summary>
public sealed class EventLog
{
    private readonly List<RunEvent> _events = [];

    public IReadOnlyList<RunEvent> Events => _events;

    public void Submitted(TimeSpan at, string jobId) => Add(new RunEvent(at, RunEventKind.Submitted, jobId));

    public void Started(TimeSpan at, string jobId, string node, string pool, int gpus, int cpuMilli) =>
        Add(new RunEvent(at, RunEventKind.Started, jobId, node, pool, gpus, cpuMilli));

    public void Stopped(TimeSpan at, string jobId, StopReason reason) => Add(new RunEvent(at, RunEventKind.Stopped, jobId, Reason: reason));

    private void Add(RunEvent e)
    {
        if (_events.Count > 0 && e.At < _events[^1].At)
        {
            throw new InvalidOperationException($"Event at {e.At} recorded after one at {_events[^1].At}: the log must be in time order.");
        }

        _events.Add(e);
    }
}
