using System.Collections.Immutable;
using Orleans.Concurrency;

namespace WPAI.Abstractions.Grains;

/// <summary>
/// The durable index of every submitted job id, in submission order (key: <c>default</c>). A job's submit is
/// acknowledged only after its id is recorded here, so a crash never hides an acknowledged job from <c>job list</c>.
/// The ids live in pages of <see cref="IJobIndexPageGrain"/>; nothing is ever dropped.
/// </summary>
[Alias("wpai.IJobIndexGrain")]
public interface IJobIndexGrain : IGrainWithStringKey
{
    /// <summary>Records the ids durably; interleaves so that concurrent submits share writes.</summary>
    [Alias("Add"), AlwaysInterleave]
    Task AddAsync(ImmutableArray<string> jobIds);

    /// <summary>
    /// Up to <paramref name="max"/> ids, newest first, starting after <paramref name="after"/> (null: the newest).
    /// Throws <see cref="Errors.WpaiValidationException"/> when <paramref name="after"/> is not in the index.
    /// </summary>
    [Alias("List"), AlwaysInterleave]
    Task<ImmutableArray<string>> ListAsync(string? after, int max);
}
