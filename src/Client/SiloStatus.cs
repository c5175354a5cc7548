namespace WPAI.Client;

/// <summary>
/// One silo: address, name, membership status, when it started, its last heartbeat, and its grain activations.
/// For an active silo that answered, <paramref name="ClockOffset"/> is its clock minus this client's clock (measured at
/// the midpoint of the round trip) and <paramref name="ClockUncertainty"/> half that round trip.
/// </summary>
public sealed record SiloStatus(
    string Address,
    string Name,
    string Status,
    DateTime StartTime,
    DateTime LastHeartbeat,
    int Activations,
    TimeSpan? ClockOffset = null,
    TimeSpan? ClockUncertainty = null);
