namespace WPAI.Inference.Http;

/// <summary>A request the server refuses, with the HTTP status, a message saying what to change, and when to retry (503).</summary>
public sealed class InferenceRequestException(int statusCode, string message, int? retryAfterSeconds = null) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    /// <summary>Seconds the caller should wait before retrying (sent as <c>Retry-After</c>), when the refusal is temporary.</summary>
    public int? RetryAfterSeconds { get; } = retryAfterSeconds;
}
