namespace WPAI.Abstractions.Contracts;

/// <summary>A recorded change of a node's mode, with its reason.</summary>
[GenerateSerializer, Immutable, Alias("wpai.mode-transition")]
public sealed record ModeTransition(NodeMode From, NodeMode To, NodeMode? Target, DateTimeOffset At, string Reason);
