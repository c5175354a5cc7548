namespace WPAI.Silo.Storage;

/// <summary>How hard SQLite works to keep an acknowledged write (its <c>PRAGMA synchronous</c>, in WAL mode).</summary>
public enum SqliteDurability
{
    /// <summary>
    /// <c>synchronous=NORMAL</c>: a commit is in the write-ahead log (the OS page cache) when acknowledged and
    /// is fsynced at the next checkpoint. Survives any crash or SIGKILL of the process; an OS crash or power
    /// loss can roll back the last commits (never corrupts the file).
    /// </summary>
    Normal = 1,

    /// <summary>
    /// <c>synchronous=FULL</c>: every commit fsyncs the write-ahead log before it is acknowledged, so it also
    /// survives an OS crash or power loss. Group commit shares one fsync among every write in a batch.
    /// </summary>
    Full = 2,
}
