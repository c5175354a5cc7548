using Orleans.Concurrency;
using WPAI.Abstractions.Contracts;

namespace WPAI.Abstractions.Grains;

/// <summary>
/// The fleet's directory (key: <c>default</c>): node names by pool, department names, newest job ids.
/// It holds names only, written on rare events, so listings need no scan; it owns no node or job state.
/// </summary>
[Alias("wpai.IFleetGrain")]
public interface IFleetGrain : IGrainWithStringKey
{
    [Alias("AddNode")]
    Task AddNodeAsync(string pool, string node);

    [Alias("AddDepartment")]
    Task AddDepartmentAsync(string department);

    [Alias("AddService")]
    Task AddServiceAsync(string service);

    [Alias("RemoveService")]
    Task RemoveServiceAsync(string service);

    [Alias("AddJob"), OneWay]
    Task AddJobAsync(string jobId);

    [Alias("Get")]
    Task<FleetView> GetAsync();
}
