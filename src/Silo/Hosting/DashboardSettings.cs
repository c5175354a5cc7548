using System.Net;

namespace WPAI.Silo.Hosting;

/// <summary>
/// The silo's HTTP endpoints: the Orleans dashboard (<c>/dashboard</c>), the WPAI console (<c>/</c>), <c>/metrics</c> and
/// <c>/health</c>, on one address and port: loopback by default, optional basic auth for all of them.
/// </summary>
public sealed class DashboardSettings
{
    /// <summary>Serve the Orleans dashboard at <c>/dashboard</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Serve the WPAI console (<c>/</c>, <c>/jobs</c>, …; configuration <c>Wpai:Dashboard:Console</c>).</summary>
    public bool Console { get; set; } = true;

    /// <summary>The address HTTP binds to; loopback unless configured otherwise.</summary>
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = WpaiCluster.DefaultDashboardPort;

    public string? Username { get; set; }

    public string? Password { get; set; }

    public void Validate()
    {
        if (!IPAddress.TryParse(Host, out _))
        {
            throw new WPAI.Abstractions.Errors.WpaiValidationException("Wpai:Dashboard:Host", $"'{Host}' is not an IP address", "Use 127.0.0.1 (default) or 0.0.0.0 to expose it.");
        }

        WpaiSiloOptions.Port(Port, "Wpai:Dashboard:Port");
        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
        {
            throw new WPAI.Abstractions.Errors.WpaiValidationException("Wpai:Dashboard:Password", "username and password must be set together", "Set both Wpai:Dashboard:Username and Wpai:Dashboard:Password, or neither.");
        }
    }
}
