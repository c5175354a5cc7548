using WPAI.Abstractions.Errors;

namespace WPAI.Silo.Gateway;

/// <summary>
/// The inference gateway (section <c>Wpai:Gateway</c>): one address for every inference service, a YARP reverse proxy
/// to the services' ready replicas. Off unless <see cref="Port"/> is set (<c>--serve-port</c>).
/// </summary>
public sealed class ServiceGatewayOptions
{
    public const string SectionName = "Wpai:Gateway";

    /// <summary>The port the gateway listens on for REST (<c>--serve-port</c>); 0: no gateway.</summary>
    public int Port { get; set; }

    /// <summary>The port the gateway listens on for gRPC, HTTP/2 without TLS (<c>--serve-grpc-port</c>); 0: no gRPC.</summary>
    public int GrpcPort { get; set; }

    /// <summary>The address it listens on (<c>--serve-host</c>, default loopback).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>
    /// How often the routes are rebuilt from the services even when no change was pushed, and the gateway's subscription
    /// to changes renewed (default 30 s): a safety net; route changes are pushed by the service grains.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often each replica's <c>/v2/health/ready</c> is probed by the proxy (default 2 s).</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many replicas one request may be tried on when replicas fail (default 3; 1: no retry).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Inference bodies up to this size are buffered so that they can be sent to another replica (default 64 MiB).</summary>
    public long RetryBufferBytes { get; set; } = 64L << 20;

    /// <summary>How long a replica that refused a connection stays out of rotation (default 10 s).</summary>
    public TimeSpan FailedReplicaQuarantine { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The API key the replicas' model servers require (the agents' <c>--replica-api-key</c>): the gateway sends it with
    /// every request as <c>Authorization: Bearer KEY</c> (gRPC: the same metadata). Null: none is sent.
    /// </summary>
    public string? ReplicaApiKey { get; set; }

    public bool Enabled => Port > 0;

    /// <summary>The gateway's base address, as clients use it.</summary>
    public string Url => Address(Port);

    /// <summary>The gateway's gRPC address, or null without one.</summary>
    public string? GrpcUrl => GrpcPort > 0 ? Address(GrpcPort) : null;

    public void Validate()
    {
        if (Port is < 0 or > 65535 || GrpcPort is < 0 or > 65535)
        {
            throw new WpaiValidationException("--serve-port", $"{Port} (gRPC {GrpcPort}) is not a TCP port", "Give ports between 1 and 65535, e.g. --serve-port 8080 --serve-grpc-port 8081, or leave them out for no gateway.");
        }

        if (GrpcPort > 0 && (Port == 0 || GrpcPort == Port))
        {
            throw new WpaiValidationException("--serve-grpc-port", $"{GrpcPort} needs a distinct --serve-port", "gRPC is served beside REST: give --serve-port too, and a different port to each.");
        }

        if (Host != "localhost" && !System.Net.IPAddress.TryParse(Host.Trim('[', ']'), out _))
        {
            throw new WpaiValidationException("--serve-host", $"'{Host}' is not an IP address", "Give the address to listen on, e.g. --serve-host 127.0.0.1 or --serve-host 0.0.0.0.");
        }

        if (RefreshInterval <= TimeSpan.Zero || HealthCheckInterval <= TimeSpan.Zero || FailedReplicaQuarantine <= TimeSpan.Zero)
        {
            throw new WpaiValidationException(SectionName, "RefreshInterval, HealthCheckInterval and FailedReplicaQuarantine must be positive", "Fix Wpai:Gateway in configuration.");
        }

        if (RefreshInterval >= TimeSpan.FromMinutes(5))
        {
            throw new WpaiValidationException(SectionName + ":RefreshInterval", $"{RefreshInterval} is too long: route-change subscriptions expire after 10 minutes", "Use at most a few minutes (default 30 s).");
        }

        if (MaxAttempts < 1 || RetryBufferBytes < 0)
        {
            throw new WpaiValidationException(SectionName, $"MaxAttempts {MaxAttempts} must be at least 1 and RetryBufferBytes {RetryBufferBytes} not negative", "Fix Wpai:Gateway in configuration (MaxAttempts 1 turns retries off).");
        }
    }

    private string Address(int port) => $"http://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{port}";
}
