using Microsoft.Extensions.Hosting;

namespace WPAI.Simulation.Replay;

/// <summary>
/// The lifetime of a replay's in-process silo: it claims no console signals. The default lifetime of a generic host
/// (the console lifetime) handles SIGINT and SIGTERM by stopping the host and swallowing the signal, so a replay —
/// whose loop keeps calling grains until it is done — ignored Ctrl+C and <c>kill</c>; with this lifetime the process
/// that embeds the replay (the <c>wpai</c> command line) keeps the runtime's default: a signal ends it.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
