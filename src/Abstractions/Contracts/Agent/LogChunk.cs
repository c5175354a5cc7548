namespace WPAI.Abstractions.Contracts.Agent;

/// <summary>
/// Bytes of a run's log from <paramref name="Offset"/> (UTF-8 text, cut at a line end when possible), where the next
/// read starts, and whether the run has ended (so a follower stops at the end of the file).
/// </summary>
[GenerateSerializer, Immutable, Alias("wpai.log-chunk")]
public sealed record LogChunk(string Text, long Offset, long NextOffset, bool Ended);
