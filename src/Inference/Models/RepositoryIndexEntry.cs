namespace WPAI.Inference.Models;

/// <summary>One line of the repository index: a model (and version, when one is known), its state and the reason for it.</summary>
public sealed record RepositoryIndexEntry(string Name, string? Version, string State, string Reason)
{
    public const string Ready = "READY";
    public const string Unavailable = "UNAVAILABLE";
}
