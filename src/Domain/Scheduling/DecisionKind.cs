namespace WPAI.Domain.Scheduling;

public enum DecisionKind
{
    Place = 0,
    Preempt = 1,
    Wait = 2,
}
