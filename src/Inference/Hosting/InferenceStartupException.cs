namespace WPAI.Inference.Hosting;

/// <summary>The server refuses to start as configured; the message says what to change (exit code 2).</summary>
public sealed class InferenceStartupException(string message) : Exception(message)
{
}
