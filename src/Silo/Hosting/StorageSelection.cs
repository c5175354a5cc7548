using Microsoft.Extensions.Configuration;

namespace WPAI.Silo.Hosting;

/// <summary>Chooses grain storage (and, for shared databases, clustering) from configuration.</summary>
public sealed record StorageSelection(Action<ISiloBuilder> Configure, bool UsesLocalhostClustering, string Description)
{
    public static StorageSelection FromConfiguration(IConfiguration configuration)
    {
        var kind = configuration["Wpai:Storage:Kind"] ?? "memory";
        return kind.ToLowerInvariant() switch
        {
            "memory" => new StorageSelection(b => b.AddMemoryGrainStorage(WpaiCluster.StorageProvider), true, "in-memory (not durable)"),
            _ => throw new WPAI.Abstractions.Errors.WpaiValidationException("Wpai:Storage:Kind", $"'{kind}' is not a storage kind", "Use memory."),
        };
    }
}
