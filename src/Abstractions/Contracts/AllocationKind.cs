namespace WPAI.Abstractions.Contracts;

public enum AllocationKind
{
    TrainingJob = 0,
    InferenceReplica = 1,
}
