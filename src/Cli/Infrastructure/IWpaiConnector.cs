using WPAI.Client;

namespace WPAI.Cli.Infrastructure;

/// <summary>Opens a client session for one command (the real one connects to Orleans gateways).</summary>
public interface IWpaiConnector
{
    Task<IWpaiSession> ConnectAsync(WpaiClientOptions options, CancellationToken cancellationToken);
}
