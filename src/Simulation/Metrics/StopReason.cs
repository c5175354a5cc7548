namespace WPAI.Simulation.Metrics;

public enum StopReason
{
    Completed,
    Preempted,
    Cancelled,
}
