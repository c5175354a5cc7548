namespace WPAI.Abstractions.Errors;

/// <summary>An id that names nothing known (a job, node, department or pool).</summary>
[GenerateSerializer, Alias("wpai.not-found-exception")]
public sealed class WpaiNotFoundException : Exception
{
    public WpaiNotFoundException()
    {
    }

    public WpaiNotFoundException(string message)
        : base(message)
    {
        What = message;
    }

    public WpaiNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
        What = message;
    }

    public WpaiNotFoundException(string kind, string id)
        : base($"{kind} '{id}' does not exist")
    {
        What = kind;
        Id = id;
    }

    [Id(0)]
    public string What { get; private set; } = string.Empty;

    [Id(1)]
    public string Id { get; private set; } = string.Empty;
}
