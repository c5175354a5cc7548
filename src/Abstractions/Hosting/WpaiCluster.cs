namespace WPAI.Abstractions.Hosting;

/// <summary>Well-known names shared by silos, clients and tools.</summary>
public static class WpaiCluster
{
    /// <summary>The Orleans <c>ServiceId</c>: stable across deployments so stored state stays readable.</summary>
    public const string ServiceId = "wpai";

    /// <summary>The default Orleans <c>ClusterId</c> of a local (embedded) deployment.</summary>
    public const string DefaultClusterId = "wpai-local";

    /// <summary>The name of the grain storage provider every WPAI grain uses.</summary>
    public const string StorageProvider = "wpai";

    /// <summary>The DI key of the <see cref="TimeProvider"/> grains read time from (virtual in simulations and tests).</summary>
    public const string ClockKey = "wpai-clock";

    public const int DefaultSiloPort = 11111;

    public const int DefaultGatewayPort = 30000;

    public const int DefaultDashboardPort = 8080;

    /// <summary>The <c>RequestContext</c> key under which a client sends its credential (an admin or submitter token).</summary>
    public const string TokenKey = "wpai-token";

    /// <summary>
    /// The <c>RequestContext</c> key under which a caller names the pool a new job or node belongs to, so that it
    /// activates on the silo of that pool's scheduler (pool-affinity placement; only a hint: an activation that exists
    /// stays where it is).
    /// </summary>
    public const string PoolKey = "wpai-pool";

    /// <summary>The key of the single fleet directory grain.</summary>
    public const string FleetKey = "default";
}
