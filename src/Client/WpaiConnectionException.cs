using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace WPAI.Client;

/// <summary>No WPAI silo answered at the configured gateways (none running, wrong address, or it went away).</summary>
public sealed class WpaiConnectionException : Exception
{
    public WpaiConnectionException()
    {
    }

    public WpaiConnectionException(string message)
        : base(message)
    {
    }

    public WpaiConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WpaiConnectionException(IReadOnlyList<string> gateways, Exception innerException)
        : base($"cannot reach a WPAI silo at {string.Join(", ", gateways)} ({Describe(innerException)})", innerException)
    {
        Gateways = gateways;
    }

    /// <summary>The gateways that were tried.</summary>
    public IReadOnlyList<string> Gateways { get; } = [];

    /// <summary>Whether an exception from a grain call means the cluster could not be reached or stopped answering.</summary>
    public static bool IsConnectionFailure(Exception exception) => exception switch
    {
        WpaiConnectionException => true,
        ConnectionFailedException => true,
        SiloUnavailableException => true,
        OrleansMessageRejectionException => true,
        TimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsConnectionFailure),
        _ => exception.InnerException is { } inner && IsConnectionFailure(inner),
    };

    private static string Describe(Exception exception)
    {
        var innermost = exception;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return innermost is OperationCanceledException ? "timed out while connecting" : innermost.Message;
    }
}
