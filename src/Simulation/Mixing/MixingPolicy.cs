using WPAI.Abstractions.Contracts.Mixing;

namespace WPAI.Simulation.Mixing;

/// <summary>A mixing policy to replay: its name, what it is, and the settings its pools' controllers get.</summary>
public sealed record MixingPolicy(string Name, string Description, MixingSettings Settings);
