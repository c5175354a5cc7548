namespace WPAI.Domain.Scheduling;

/// <summary>The request right-sizing offers a recurring job, and why.</summary>
public sealed record RightSizingAdvice(int Gpus, int CpuRequestMilli, int CpuLimitMilli, string Reason);
