namespace WPAI.WebConsole.Components;

/// <summary>The console's cancel form.</summary>
public sealed class CancelJobForm
{
    public string? Reason { get; set; }
}
