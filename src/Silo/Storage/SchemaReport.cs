namespace WPAI.Silo.Storage;

/// <summary>What <see cref="DatabaseInitializer.InitializeAsync"/> found and did.</summary>
/// <param name="Database">The database name.</param>
/// <param name="ServerVersion">The PostgreSQL server version.</param>
/// <param name="Version">The WPAI schema version the database has now.</param>
/// <param name="PreviousVersion">The WPAI schema version before this call (0: none).</param>
/// <param name="LatestVersion">The newest version this build carries.</param>
/// <param name="AppliedScripts">The scripts applied by this call, in order (empty when already current).</param>
public sealed record SchemaReport(
    string Database,
    string ServerVersion,
    int Version,
    int PreviousVersion,
    int LatestVersion,
    IReadOnlyList<string> AppliedScripts);
