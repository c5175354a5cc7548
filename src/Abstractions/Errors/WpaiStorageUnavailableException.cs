namespace WPAI.Abstractions.Errors;

/// <summary>
/// The cluster's database (grain state, membership) could not be reached, so the request could not be completed.
/// Retryable: the request may or may not have been applied, and every WPAI write is safe to repeat (a job submitted
/// again under the same id is not duplicated). <see cref="Store"/> names the database.
/// </summary>
[GenerateSerializer, Alias("wpai.storage-unavailable-exception")]
public sealed class WpaiStorageUnavailableException : Exception
{
    public WpaiStorageUnavailableException()
        : this("the WPAI database", "it did not answer")
    {
    }

    public WpaiStorageUnavailableException(string message)
        : base(message)
    {
        Store = "the WPAI database";
        Reason = message;
    }

    public WpaiStorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
        Store = "the WPAI database";
        Reason = message;
    }

    public WpaiStorageUnavailableException(string store, string reason)
        : base($"{store} is unavailable ({reason}). The request may not have been applied; retry it when the database is back " +
            "(repeating a request is safe: a job submitted again under the same id is not duplicated)")
    {
        Store = store;
        Reason = reason;
    }

    /// <summary>Which database, e.g. <c>PostgreSQL database 'wpai' at db1:5432</c>.</summary>
    [Id(0)]
    public string Store { get; private set; }

    /// <summary>What failed, as the database driver said it.</summary>
    [Id(1)]
    public string Reason { get; private set; }
}
