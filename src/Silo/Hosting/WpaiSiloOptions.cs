using System.Net;

namespace WPAI.Silo.Hosting;

/// <summary>Where a silo listens and what it serves. Bound from the <c>Wpai</c> configuration section.</summary>
public sealed class WpaiSiloOptions
{
    public const string SectionName = "Wpai";

    public string ClusterId { get; set; } = WpaiCluster.DefaultClusterId;

    /// <summary>The address silos and clients reach this silo at (loopback for the embedded default).</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    public int SiloPort { get; set; } = WpaiCluster.DefaultSiloPort;

    public int GatewayPort { get; set; } = WpaiCluster.DefaultGatewayPort;

    public DashboardSettings Dashboard { get; set; } = new();

    /// <summary>Failure detection of the cluster membership (how fast a dead silo is noticed).</summary>
    public MembershipSettings Membership { get; set; } = new();

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            throw new WPAI.Abstractions.Errors.WpaiValidationException("Wpai:ClusterId", "must not be empty", "Give the cluster a name, e.g. wpai-local.");
        }

        if (!IPAddress.TryParse(AdvertisedAddress, out _))
        {
            throw new WPAI.Abstractions.Errors.WpaiValidationException("Wpai:AdvertisedAddress", $"'{AdvertisedAddress}' is not an IP address", "Use e.g. 127.0.0.1 or the silo's own address.");
        }

        Port(SiloPort, "Wpai:SiloPort");
        Port(GatewayPort, "Wpai:GatewayPort");
        if (SiloPort == GatewayPort)
        {
            throw new WPAI.Abstractions.Errors.WpaiValidationException("Wpai:GatewayPort", $"equals the silo port {SiloPort}", "Give the gateway its own port.");
        }

        Dashboard.Validate();
        Membership.Validate();
    }

    internal static void Port(int port, string field)
    {
        if (port is < 1 or > 65535)
        {
            throw new WPAI.Abstractions.Errors.WpaiValidationException(field, $"{port} is not a TCP port", "Use a port between 1 and 65535.");
        }
    }
}
