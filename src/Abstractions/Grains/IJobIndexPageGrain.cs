using System.Collections.Immutable;
using Orleans.Concurrency;

namespace WPAI.Abstractions.Grains;

/// <summary>One page of the job index (key: the page number from 0), written by <see cref="IJobIndexGrain"/> only.</summary>
[Alias("wpai.IJobIndexPageGrain")]
public interface IJobIndexPageGrain : IGrainWithIntegerKey
{
    /// <summary>Appends the ids not yet on this page, durably (group commit); returns how many ids the page holds.</summary>
    [Alias("Append"), AlwaysInterleave]
    Task<int> AppendAsync(ImmutableArray<string> jobIds);

    /// <summary>The page's ids in the order they were appended.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<ImmutableArray<string>> GetAsync();
}
