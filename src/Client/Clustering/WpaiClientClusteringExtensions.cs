using Npgsql;
using WPAI.Abstractions.Errors;

namespace WPAI.Client.Clustering;

/// <summary>Client-side clustering for a WPAI cluster whose silos keep membership in PostgreSQL.</summary>
public static class WpaiClientClusteringExtensions
{
    /// <summary>The ADO.NET invariant of PostgreSQL (the same the silos use).</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>
    /// Finds the cluster's gateways in the PostgreSQL membership table (Orleans' ADO.NET clustering, invariant
    /// <c>Npgsql</c>) that the silos maintain. The database must hold WPAI's schema (<c>wpai db init</c>), and the
    /// client's <c>ClusterOptions</c> (ServiceId, ClusterId) must match the silos'.
    /// </summary>
    /// <exception cref="WpaiValidationException">The connection string is empty or malformed.</exception>
    public static IClientBuilder UseWpaiAdoNetClustering(this IClientBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new WpaiValidationException(
                "connection",
                "is empty",
                "Pass the PostgreSQL connection string of the cluster, e.g. --connection \"Host=127.0.0.1;Port=5432;Database=wpai;Username=wpai;Password=…\".");
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new WpaiValidationException(
                "connection",
                "is not a valid Npgsql connection string: " + ex.Message,
                "Use key=value pairs separated by ';', e.g. Host=127.0.0.1;Port=5432;Database=wpai;Username=wpai.");
        }

        return builder.UseAdoNetClustering(options =>
        {
            options.Invariant = PostgresInvariant;
            options.ConnectionString = connectionString;
        });
    }
}
