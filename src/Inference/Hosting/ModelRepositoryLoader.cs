using Microsoft.Extensions.Hosting;
using WPAI.Inference.Models;

namespace WPAI.Inference.Hosting;

/// <summary>Loads the model repository before the server starts listening, and unloads it on shutdown.</summary>
public sealed class ModelRepositoryLoader(ModelRepository repository) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => repository.LoadAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken) => await repository.DisposeAsync();
}
