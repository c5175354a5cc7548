using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using WPAI.Abstractions.Hosting;

namespace WPAI.Silo.Storage;

/// <summary>Wires WPAI's storage choice into a silo.</summary>
public static class WpaiStorageSiloBuilderExtensions
{
    /// <summary>
    /// Registers the grain storage named <see cref="WpaiCluster.StorageProvider"/> for <paramref name="options"/>'s kind:
    /// <list type="bullet">
    /// <item><b>Memory</b>: <see cref="InMemoryGrainStorage"/> (deep copies in process memory).</item>
    /// <item><b>Sqlite</b>: <see cref="SqliteGrainStorage"/> on <see cref="WpaiStorageOptions.SqlitePath"/>, opened at silo start.</item>
    /// <item><b>Postgres</b>: <see cref="PostgresGrainStorage"/> (ours: group commit in Npgsql batches), Orleans' ADO.NET
    /// clustering and ADO.NET reminders (invariant <c>Npgsql</c>), all on <see cref="WpaiStorageOptions.PostgresConnection"/>, over WPAI's schema in
    /// <c>deploy/sql/postgres</c> (applied at start by <see cref="DatabaseInitializer"/> unless
    /// <see cref="WpaiStorageOptions.PostgresInitializeSchema"/> is off).</item>
    /// </list>
    /// Reminders (the grains' durable wake-ups) follow the kind: Orleans' in-memory table for Memory, WPAI's
    /// <see cref="SqliteReminderTable"/> in the same file for Sqlite (a reminder survives a restart), ADO.NET for Postgres.
    /// Memory and Sqlite configure <b>no clustering</b>: they are single-silo stores and the host chooses localhost
    /// clustering itself. Postgres configures clustering, so the host must not add another clustering provider.
    /// State is serialized with Orleans' binary serializer in the durable kinds; Memory keeps deep copies made by Orleans' copier.
    /// </summary>
    /// <exception cref="WPAI.Abstractions.Errors.WpaiValidationException">The options are invalid (names the setting and the fix).</exception>
    public static ISiloBuilder UseWpaiStorage(this ISiloBuilder builder, WpaiStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var services = builder.Services;
        services.AddSingleton(options);
        switch (options.Kind)
        {
            case StorageKind.Memory:
                services.AddGrainStorage(
                    WpaiCluster.StorageProvider,
                    (sp, _) => new InMemoryGrainStorage(sp.GetRequiredService<DeepCopier>(), sp.GetRequiredService<IActivatorProvider>()));
                builder.UseInMemoryReminderService();
                break;

            case StorageKind.Sqlite:
                services.AddGrainStorage(
                    WpaiCluster.StorageProvider,
                    (sp, name) => new SqliteGrainStorage(
                        name,
                        sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
                        options,
                        sp.GetRequiredService<Serializer>(),
                        sp.GetRequiredService<IActivatorProvider>(),
                        sp.GetRequiredService<ILoggerFactory>()));
                builder.AddReminders();
                services.AddSingleton<IReminderTable>(sp => new SqliteReminderTable(
                    sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
                    options,
                    sp.GetRequiredService<ILogger<SqliteReminderTable>>()));
                break;

            case StorageKind.Postgres:
                UsePostgres(builder, options);
                break;
        }

        return builder;
    }

    private static void UsePostgres(ISiloBuilder builder, WpaiStorageOptions options)
    {
        var connection = options.PostgresConnection!;
        if (options.PostgresInitializeSchema)
        {
            builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(
                sp => new PostgresSchemaStartup(connection, sp.GetRequiredService<ILoggerFactory>()));
        }

        var store = WPAI.Client.StorageFailures.Describe(connection);
        // Our own grain storage (group commit, Npgsql batches), wrapped so that "database unreachable" reaches callers
        // as a typed, retryable error. Membership and reminders stay on Orleans' ADO.NET providers.
        builder.Services.AddGrainStorage(
            WpaiCluster.StorageProvider,
            (sp, name) => new DatabaseFailureGrainStorage(
                new PostgresGrainStorage(
                    name,
                    sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
                    options,
                    sp.GetRequiredService<Serializer>(),
                    sp.GetRequiredService<IActivatorProvider>(),
                    sp.GetRequiredService<ILoggerFactory>()),
                store));
        builder.UseAdoNetClustering(o =>
        {
            o.Invariant = WpaiStorageOptions.PostgresInvariant;
            o.ConnectionString = connection;
        });
        builder.UseAdoNetReminderService(o =>
        {
            o.Invariant = WpaiStorageOptions.PostgresInvariant;
            o.ConnectionString = connection;
        });
    }
}
