namespace WPAI.Grains.Tests.Storage;

/// <summary>A test-only grain whose state lives in the "wpai" storage provider.</summary>
public interface IStorageProbeGrain : IGrainWithStringKey
{
    Task<int> AddAsync(int amount);

    Task<int> GetAsync();

    Task ClearAsync();
}
