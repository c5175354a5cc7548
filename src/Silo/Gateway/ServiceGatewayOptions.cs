using WPAI.Abstractions.Errors;

namespace WPAI.Silo.Gateway;

/// <summary>
/// The inference gateway (section <c>Wpai:Gateway</c>): one address for every inference service, a YARP reverse proxy
/// to the services' ready replicas. Off unless <see cref="Port"/> is set (<c>--serve-port</c>).
/// </summary>
public sealed class ServiceGatewayOptions
{
    public const string SectionName = "Wpai:Gateway";

    /// <summary>The port the gateway listens on (<c>--serve-port</c>); 0: no gateway.</summary>
    public int Port { get; set; }

    /// <summary>The address it listens on (<c>--serve-host</c>, default loopback).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>How often the routes are rebuilt from the services' replicas (default 1 s).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often each replica's <c>/v2/health/ready</c> is probed by the proxy (default 2 s).</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    public bool Enabled => Port > 0;

    /// <summary>The gateway's base address, as clients use it.</summary>
    public string Url => $"http://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}";

    public void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new WpaiValidationException("--serve-port", $"{Port} is not a TCP port", "Give a port between 1 and 65535, e.g. --serve-port 8080, or leave it out for no gateway.");
        }

        if (RefreshInterval <= TimeSpan.Zero || HealthCheckInterval <= TimeSpan.Zero)
        {
            throw new WpaiValidationException(SectionName, "RefreshInterval and HealthCheckInterval must be positive", "Fix Wpai:Gateway in configuration.");
        }
    }
}
