using WPAI.Client;

namespace WPAI.Cli.Infrastructure;

/// <summary>A connected client, closed when the command ends.</summary>
public interface IWpaiSession : IAsyncDisposable
{
    IWpaiClient Client { get; }
}
