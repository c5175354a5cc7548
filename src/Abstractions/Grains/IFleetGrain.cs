using WPAI.Abstractions.Contracts;

namespace WPAI.Abstractions.Grains;

/// <summary>
/// The fleet's directory (key: <c>default</c>): node names by pool, department names, services (job ids: <see cref="IJobIndexGrain"/>).
/// It holds names only, written on rare events, so listings need no scan; it owns no node or job state.
/// </summary>
[Alias("wpai.IFleetGrain")]
public interface IFleetGrain : IGrainWithStringKey
{
    [Alias("AddNode")]
    Task AddNodeAsync(string pool, string node);

    [Alias("RemoveNode")]
    Task RemoveNodeAsync(string pool, string node);

    [Alias("AddDepartment")]
    Task AddDepartmentAsync(string department);

    [Alias("AddService")]
    Task AddServiceAsync(string service);

    [Alias("RemoveService")]
    Task RemoveServiceAsync(string service);

    /// <summary>Records a job id durably in <see cref="IJobIndexGrain"/> (prefer calling the index directly).</summary>
    [Alias("AddJob")]
    Task AddJobAsync(string jobId);

    [Alias("Get")]
    Task<FleetView> GetAsync();
}
