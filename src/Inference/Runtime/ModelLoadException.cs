namespace WPAI.Inference.Runtime;

/// <summary>A model version that cannot be served, with the reason.</summary>
public sealed class ModelLoadException(string message) : Exception(message)
{
}
