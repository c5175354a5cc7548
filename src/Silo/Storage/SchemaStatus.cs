namespace WPAI.Silo.Storage;

/// <summary>What <see cref="DatabaseInitializer.ReadStatusAsync"/> found, without changing anything.</summary>
/// <param name="Database">The database name.</param>
/// <param name="Server">Where it is: host and port.</param>
/// <param name="ServerVersion">The PostgreSQL server version.</param>
/// <param name="Version">The WPAI schema version the database has (0: none applied).</param>
/// <param name="LatestVersion">The version this build carries and expects.</param>
public sealed record SchemaStatus(string Database, string Server, string ServerVersion, int Version, int LatestVersion);
