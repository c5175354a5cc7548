namespace WPAI.Client;

/// <summary>One silo: address, name, membership status, when it started, its last heartbeat, and its grain activations.</summary>
public sealed record SiloStatus(string Address, string Name, string Status, DateTime StartTime, DateTime LastHeartbeat, int Activations);
