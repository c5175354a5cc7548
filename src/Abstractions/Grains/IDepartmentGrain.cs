using System.Collections.Immutable;
using Orleans.Concurrency;
using WPAI.Abstractions.Contracts;

namespace WPAI.Abstractions.Grains;

/// <summary>One department (key: name): quota per pool, the ledger of its running jobs, usage history and quota advice.</summary>
[Alias("wpai.IDepartmentGrain")]
public interface IDepartmentGrain : IGrainWithStringKey
{
    /// <summary>Sets the GPU quota in each named pool (others unchanged) and tells those pools' schedulers.</summary>
    [Alias("SetQuota")]
    Task<DepartmentView> SetQuotaAsync(ImmutableDictionary<string, int> gpusByPool);

    /// <summary>The department; throws <see cref="Errors.WpaiNotFoundException"/> when it has never been set up.</summary>
    /// <remarks>
    /// Interleaves: it only reads and never awaits. A pool scheduler re-reads quotas while it activates, possibly
    /// on a call from this department's <see cref="SetQuotaAsync"/>.
    /// </remarks>
    [Alias("Get"), AlwaysInterleave]
    Task<DepartmentView> GetAsync();

    [Alias("Exists")]
    Task<bool> ExistsAsync();

    /// <summary>What a submit needs: whether the department exists, and the measured runs of the job's template.</summary>
    [Alias("GetSubmitContext")]
    Task<SubmitContext> GetSubmitContextAsync(string? template);

    /// <summary>Adds a started job to the ledger (idempotent per job id). Interleaves: concurrent starts and ends share one state write.</summary>
    [Alias("RecordStart"), AlwaysInterleave]
    Task RecordStartAsync(RunningAllocation allocation);

    /// <summary>Removes a job from the ledger and records its outcome (idempotent per job id). Interleaves: concurrent starts and ends share one state write.</summary>
    [Alias("RecordEnd"), AlwaysInterleave]
    Task RecordEndAsync(JobOutcome outcome);
}
