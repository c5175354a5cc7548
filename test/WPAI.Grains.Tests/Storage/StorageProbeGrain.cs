using WPAI.Abstractions.Hosting;

namespace WPAI.Grains.Tests.Storage;

[GrainType("wpai-test-storage-probe")]
public sealed class StorageProbeGrain(
    [PersistentState("probe", WpaiCluster.StorageProvider)] IPersistentState<StorageTestState> state) : Grain, IStorageProbeGrain
{
    public async Task<int> AddAsync(int amount)
    {
        state.State.Counter += amount;
        state.State.Items.Add(amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await state.WriteStateAsync();
        return state.State.Counter;
    }

    public Task<int> GetAsync() => Task.FromResult(state.State.Counter);

    public Task ClearAsync() => state.ClearStateAsync();
}
