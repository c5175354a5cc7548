namespace WPAI.Inference.Models;

/// <summary>A load or unload request that cannot be carried out, with the reason (HTTP 400, gRPC INVALID_ARGUMENT/NOT_FOUND).</summary>
public sealed class ModelControlException(string message, bool notFound = false) : Exception(message)
{
    public bool NotFound { get; } = notFound;
}
