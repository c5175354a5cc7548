namespace WPAI.Inference.Tools;

/// <summary>A model tool failure with a message that says what was wrong and how to fix it.</summary>
public sealed class ModelToolException(string message) : Exception(message)
{
}
