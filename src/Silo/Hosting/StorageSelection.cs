using Microsoft.Extensions.Configuration;
using WPAI.Silo.Storage;

namespace WPAI.Silo.Hosting;

/// <summary>Chooses grain storage (and, for PostgreSQL, clustering and reminders) from the <c>Wpai:Storage</c> section.</summary>
public sealed record StorageSelection(WpaiStorageOptions Options)
{
    /// <summary>Memory and SQLite are single-silo stores: the host uses localhost clustering with them.</summary>
    public bool UsesLocalhostClustering => Options.Kind != StorageKind.Postgres;

    public static StorageSelection FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(WpaiStorageOptions.SectionName);
        WpaiStorageOptions options;
        try
        {
            options = section.Get<WpaiStorageOptions>() ?? new WpaiStorageOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new WPAI.Abstractions.Errors.WpaiValidationException(
                WpaiStorageOptions.SectionName,
                ex.InnerException?.Message ?? ex.Message,
                "Use --storage memory|sqlite|postgres, --data FILE for SQLite, --connection \"Host=…\" for PostgreSQL.");
        }

        options.Validate();
        return new StorageSelection(options);
    }

    public void Configure(ISiloBuilder builder) => builder.UseWpaiStorage(Options);
}
