namespace WPAI.Inference.Http;

/// <summary>A request the server refuses, with the HTTP status and a message saying what to change.</summary>
public sealed class InferenceRequestException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
