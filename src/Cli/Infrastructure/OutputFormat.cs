namespace WPAI.Cli.Infrastructure;

/// <summary>How a command prints its result.</summary>
public enum OutputFormat
{
    /// <summary>Human-readable tables.</summary>
    Table = 0,

    /// <summary>Indented JSON of the API views, for scripts.</summary>
    Json = 1,
}
