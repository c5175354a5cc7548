namespace WPAI.Inference.Models;

/// <summary>A bad <c>config.json</c>: names the file, what is wrong and how to fix it.</summary>
public sealed class ModelConfigException(string file, string reason, string fix)
    : Exception($"{file}: {reason}; fix: {fix}")
{
    public string File { get; } = file;

    public string Reason { get; } = reason;

    public string Fix { get; } = fix;
}
