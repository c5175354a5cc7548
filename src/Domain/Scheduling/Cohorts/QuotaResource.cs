namespace WPAI.Domain.Scheduling.Cohorts;

/// <summary>A resource a flavor's quota covers.</summary>
public enum QuotaResource
{
    Gpus = 0,
    Cpu = 1,
    Memory = 2,
}
