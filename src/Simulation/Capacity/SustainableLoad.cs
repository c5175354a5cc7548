using System.Collections.Immutable;

namespace WPAI.Simulation.Capacity;

/// <summary>
/// The largest offered load a policy sustains on the search grid (<see cref="Load"/>; 0 when not even the lowest),
/// the lowest grid load it did not sustain (null when it sustained the highest), and every probe in the order run.
/// </summary>
public sealed record SustainableLoad(string Policy, double Load, double? FirstUnsustained, ImmutableArray<LoadProbe> Probes);
