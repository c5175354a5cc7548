using System.Globalization;

namespace WPAI.Domain.Inference;

/// <summary>
/// The identity of one inference replica, <c>{service}/replica-{ordinal}</c>: the owner id of its allocation on a node.
/// Built and read only here, so the service grain that names replicas and the controllers that find their service agree.
/// </summary>
public readonly record struct ReplicaId
{
    private const string Marker = "/replica-";

    public ReplicaId(string service, long ordinal)
    {
        if (string.IsNullOrWhiteSpace(service))
        {
            throw new ArgumentException("a replica belongs to a named service", nameof(service));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        Service = service;
        Ordinal = ordinal;
    }

    public string Service { get; }

    public long Ordinal { get; }

    /// <summary>Reads an owner id; false for anything that is not a replica id.</summary>
    public static bool TryParse(string? text, out ReplicaId id)
    {
        id = default;
        if (text is null)
        {
            return false;
        }

        var i = text.LastIndexOf(Marker, StringComparison.Ordinal);
        if (i <= 0 || !long.TryParse(text.AsSpan(i + Marker.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal))
        {
            return false;
        }

        id = new ReplicaId(text[..i], ordinal);
        return true;
    }

    /// <summary>Reads an owner id; throws <see cref="FormatException"/> naming the expected form.</summary>
    public static ReplicaId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a replica id; expected SERVICE{Marker}N");

    /// <summary>True when <paramref name="owner"/> is a replica id of <paramref name="service"/>.</summary>
    public static bool IsOf(string owner, string service) =>
        TryParse(owner, out var id) && string.Equals(id.Service, service, StringComparison.Ordinal);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Service}{Marker}{Ordinal}");
}
