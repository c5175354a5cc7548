namespace WPAI.Domain.Mixing;

/// <summary>A handover the policy starts: the node goes Unnormal towards <paramref name="Target"/>.</summary>
public sealed record Handover(string Node, NodeMode Target, string Reason);
