using WPAI.Abstractions.Hosting;
using WPAI.Client.Security;

namespace WPAI.Client;

/// <summary>How a client reaches a WPAI cluster. Validated by <see cref="WpaiClientOptionsValidator"/>.</summary>
public sealed class WpaiClientOptions
{
    /// <summary>The gateway used when none is given: the embedded silo on this machine.</summary>
    public static readonly string DefaultGateway = $"127.0.0.1:{WpaiCluster.DefaultGatewayPort}";

    /// <summary>Silo gateways as <c>host:port</c> (a bare host means port 30000). Empty means <see cref="DefaultGateway"/>.</summary>
    public IList<string> Gateways { get; } = new List<string>();

    /// <summary>The Orleans cluster id; the service id is always <see cref="WpaiCluster.ServiceId"/>.</summary>
    public string ClusterId { get; set; } = WpaiCluster.DefaultClusterId;

    /// <summary>At most this many grain calls in flight when a listing fetches views.</summary>
    public int MaxConcurrentCalls { get; set; } = 32;

    /// <summary>How long connecting to the gateways may take before it is reported as a failure.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a failed connection attempt is retried (0: fail at once, as the CLI does).</summary>
    public int ConnectRetries { get; set; }

    /// <summary>The pause between connection attempts.</summary>
    public TimeSpan ConnectRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one call may wait for its answer.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The PostgreSQL connection string of a cluster whose silos keep membership there (<c>--storage postgres</c>).
    /// When set, the client finds the gateways in the membership table (ADO.NET clustering) instead of
    /// <see cref="Gateways"/>, and follows silos as they come and go.
    /// </summary>
    public string? ClusteringConnection { get; set; }

    /// <summary>How often the client re-reads the gateway list (from the membership table with <see cref="ClusteringConnection"/>).</summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The credential sent with every call (the admin token or a department's submitter token) when the cluster
    /// requires one (<c>Wpai:Auth</c> on the silos). Unset: no credential is sent.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>TLS to the gateways (mutual, with the pinned cluster certificate), as the silos' <c>Wpai:Tls</c>. Off by default.</summary>
    public WpaiClientTlsOptions Tls { get; set; } = new();

    /// <summary>The gateways to use: <see cref="Gateways"/>, or the default one when it is empty.</summary>
    public IReadOnlyList<string> EffectiveGateways => Gateways.Count == 0 ? [DefaultGateway] : [.. Gateways];

    internal void CopyTo(WpaiClientOptions target)
    {
        target.Gateways.Clear();
        foreach (var gateway in Gateways)
        {
            target.Gateways.Add(gateway);
        }

        target.ClusterId = ClusterId;
        target.MaxConcurrentCalls = MaxConcurrentCalls;
        target.ConnectTimeout = ConnectTimeout;
        target.ResponseTimeout = ResponseTimeout;
        target.ConnectRetries = ConnectRetries;
        target.ConnectRetryDelay = ConnectRetryDelay;
        target.ClusteringConnection = ClusteringConnection;
        target.GatewayListRefreshPeriod = GatewayListRefreshPeriod;
        target.Token = Token;
        target.Tls = Tls;
    }
}
