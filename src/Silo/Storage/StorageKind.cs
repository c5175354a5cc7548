namespace WPAI.Silo.Storage;

/// <summary>Where WPAI grain state lives (see <see cref="WpaiStorageOptions.Kind"/>).</summary>
public enum StorageKind
{
    /// <summary>In-process only: fast and lost when the process stops. Tests and simulations.</summary>
    Memory = 0,

    /// <summary>A local SQLite file (the embedded default): durable, one silo.</summary>
    Sqlite = 1,

    /// <summary>PostgreSQL through Orleans' ADO.NET providers: grain state, clustering and reminders; several silos.</summary>
    Postgres = 2,
}
