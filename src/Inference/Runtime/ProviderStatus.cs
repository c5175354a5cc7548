namespace WPAI.Inference.Runtime;

/// <summary>Whether an execution provider loads on this machine, and why not.</summary>
public sealed record ProviderStatus(string Name, bool Loads, string Detail);
