namespace WPAI.Simulation.Inference;

/// <summary>A load file that cannot be read: names the file, the line and column, what is wrong and how to fix it.</summary>
public sealed class LoadFileException : Exception
{
    public LoadFileException()
    {
    }

    public LoadFileException(string message)
        : base(message)
    {
    }

    public LoadFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LoadFileException(string path, int line, int column, string reason, string fix)
        : base($"{path}:{line}:{column}: {reason}. {fix}")
    {
        Path = path;
        Line = line;
        Column = column;
    }

    public string Path { get; } = string.Empty;

    public int Line { get; }

    public int Column { get; }
}
