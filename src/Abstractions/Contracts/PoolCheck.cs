namespace WPAI.Abstractions.Contracts;

/// <summary>
/// A pool's answer to "could you ever run this?": whether it exists, whether some node is large enough, and why not.
/// <paramref name="LentRoomUntil"/> (only with cross-pool lent-first placement): the latest expected reclaim time among
/// the pool's lent nodes with room for the request now (<see cref="DateTimeOffset.MaxValue"/> when not forecast), null
/// when none has room.
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.pool-check")]
public sealed record PoolCheck(bool Known, bool Fits, string Reason, Resources Largest, DateTimeOffset? LentRoomUntil = null);
