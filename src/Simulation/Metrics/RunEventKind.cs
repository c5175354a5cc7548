namespace WPAI.Simulation.Metrics;

public enum RunEventKind
{
    Submitted,
    Started,
    Stopped,
}
