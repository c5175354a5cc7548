namespace WPAI.Abstractions.Errors;

/// <summary>
/// A call the cluster refused because its credential is missing, unknown, or not allowed to do this (a submitter
/// touching another department's job, or changing quotas, nodes or modes). Nothing was changed.
/// </summary>
[GenerateSerializer, Alias("wpai.access-denied-exception")]
public sealed class WpaiAccessDeniedException : Exception
{
    public WpaiAccessDeniedException()
        : this("the call was refused")
    {
    }

    public WpaiAccessDeniedException(string message)
        : base(message)
    {
    }

    public WpaiAccessDeniedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
