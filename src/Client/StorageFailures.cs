using Npgsql;
using WPAI.Abstractions.Errors;

namespace WPAI.Client;

/// <summary>Recognizes failures that mean "the cluster's PostgreSQL database is unreachable" and turns them into <see cref="WpaiStorageUnavailableException"/>.</summary>
public static class StorageFailures
{
    /// <summary>
    /// Whether <paramref name="exception"/> (or one inside it) says the database cannot be reached: a network or timeout
    /// failure of Npgsql, or a server error of class 08 (connection), 53 (resources) or 57P (shutdown, not yet accepting).
    /// Query errors (syntax, constraint, concurrency) are not.
    /// </summary>
    public static bool IsDatabaseUnavailable(Exception exception) => Find(exception) is not null;

    /// <summary>The exception saying the database is unavailable, or null.</summary>
    public static Exception? Find(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 16; depth++)
        {
            switch (exception)
            {
                case WpaiStorageUnavailableException:
                    return exception;
                case PostgresException postgres:
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal) ? exception : null;
                case NpgsqlException:
                    return exception;
                case AggregateException aggregate when aggregate.InnerExceptions.Count > 0:
                    return aggregate.InnerExceptions.Select(Find).FirstOrDefault(e => e is not null);
                default:
                    // A driver exception that could not cross the wire arrives as a fallback or a codec failure naming it.
                    if (exception.GetType().Name is "UnavailableExceptionFallbackException" or "CodecNotFoundException"
                        && exception.Message.Contains("Npgsql", StringComparison.Ordinal))
                    {
                        return exception;
                    }

                    exception = exception.InnerException;
                    break;
            }
        }

        return null;
    }

    /// <summary>A <see cref="WpaiStorageUnavailableException"/> for <paramref name="failure"/>, naming <paramref name="store"/>.</summary>
    public static WpaiStorageUnavailableException ToUnavailable(Exception failure, string store)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var cause = Find(failure) ?? failure;
        return cause as WpaiStorageUnavailableException ?? new WpaiStorageUnavailableException(store, OneLine(cause.Message));
    }

    /// <summary>"PostgreSQL database 'x' at host:port" from a connection string.</summary>
    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"PostgreSQL database '{builder.Database}' at {builder.Host}:{builder.Port}";
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
