using System.Net.Http;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace WPAI.Silo.Gateway;

/// <summary>
/// Which failed requests the gateway sends again, to another replica of the same service. A request is retried when no
/// byte of the replica's answer reached the client and its body can be sent again:
/// <list type="bullet">
/// <item>the replica refused the connection (its process is gone, or not listening yet): nothing of the request was
/// sent, so any request is retried, whatever its method and body;</item>
/// <item>the replica's connection broke before it answered (killed while computing): only requests that are safe to
/// repeat — those without a body (<c>GET</c>, <c>HEAD</c>) and inferences (<c>POST …/infer</c>, the gRPC
/// <c>ModelInfer</c>), whose body the gateway buffered (up to <see cref="ServiceGatewayOptions.RetryBufferBytes"/>).
/// An inference has no side effect on the server, so running it twice is harmless; repository load and unload are
/// not repeated.</item>
/// </list>
/// A replica's answer with an error status (a 503 while it is busy, a 400 for a bad input) is passed on as it is.
/// </summary>
public static class ReplicaRetry
{
    /// <summary>The gRPC method of an inference (idempotent, like REST <c>…/infer</c>).</summary>
    public const string GrpcInferPath = "/inference.GRPCInferenceService/ModelInfer";

    /// <summary>True when the request's body, if any, is worth buffering so that a broken connection can be retried.</summary>
    public static bool IsIdempotentInference(HttpRequest request, long bufferLimit)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path.Value ?? string.Empty;
        var inference = HttpMethods.IsPost(request.Method)
            && (path.EndsWith("/infer", StringComparison.Ordinal) || string.Equals(path, GrpcInferPath, StringComparison.Ordinal));
        return inference && (request.ContentLength ?? 0) <= bufferLimit;
    }

    /// <summary>True when <paramref name="request"/> carries no body (nothing to replay).</summary>
    public static bool HasNoBody(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || request.ContentLength == 0;
    }

    /// <summary>
    /// True when the forwarding failed for a reason another replica may not have: the connection was refused, reset or
    /// ended before an answer. Time-outs and a client that went away are not retried.
    /// </summary>
    public static bool IsReplicaFailure(ForwarderError error) =>
        error is ForwarderError.Request or ForwarderError.RequestBodyDestination or ForwarderError.ResponseHeaders;

    /// <summary>True when the replica could not be reached at all: nothing of the request was sent to it.</summary>
    public static bool IsConnectFailure(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }
                || e is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The decision: retry the failed attempt on another replica?</summary>
    public static bool ShouldRetry(ForwarderError error, Exception? exception, bool responseStarted, bool replayable) =>
        !responseStarted && IsReplicaFailure(error) && (replayable || IsConnectFailure(exception));
}
