namespace WPAI.Abstractions.Errors;

/// <summary>
/// Bad input: names the <see cref="Field"/> at fault, the <see cref="Reason"/> and how to fix it.
/// Thrown before any state changes, so a rejected call leaves everything as it was.
/// </summary>
[GenerateSerializer, Alias("wpai.validation-exception")]
public sealed class WpaiValidationException : Exception
{
    public WpaiValidationException()
        : this("request", "is invalid", null)
    {
    }

    public WpaiValidationException(string message)
        : this("request", message, null)
    {
    }

    public WpaiValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = "request";
        Reason = message;
    }

    public WpaiValidationException(string field, string reason, string? fix)
        : base(Compose(field, reason, fix))
    {
        Field = field;
        Reason = reason;
        Fix = fix;
    }

    /// <summary>The field (or argument) at fault, e.g. <c>spec.gpus</c>.</summary>
    [Id(0)]
    public string Field { get; private set; } = "request";

    /// <summary>Why it is rejected.</summary>
    [Id(1)]
    public string Reason { get; private set; } = string.Empty;

    /// <summary>What to change, when there is something to say.</summary>
    [Id(2)]
    public string? Fix { get; private set; }

    private static string Compose(string field, string reason, string? fix) =>
        fix is null ? $"{field}: {reason}" : $"{field}: {reason}. {fix}";
}
