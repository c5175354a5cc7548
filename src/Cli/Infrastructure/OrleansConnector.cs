using WPAI.Client;

namespace WPAI.Cli.Infrastructure;

/// <summary>Connects through <see cref="WpaiConnection"/> to the silo gateways named by <c>--gateway</c>.</summary>
public sealed class OrleansConnector : IWpaiConnector
{
    public async Task<IWpaiSession> ConnectAsync(WpaiClientOptions options, CancellationToken cancellationToken) =>
        new Session(await WpaiConnection.ConnectAsync(options, cancellationToken));

    private sealed class Session(WpaiConnection connection) : IWpaiSession
    {
        public IWpaiClient Client => connection.Client;

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
