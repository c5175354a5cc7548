namespace WPAI.Cli;

/// <summary>The exit codes of <c>wpai</c>.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Something unexpected failed (a bug or an unclassified error).</summary>
    public const int Unexpected = 1;

    /// <summary>Bad input: a usage error, an invalid value, or an id that names nothing.</summary>
    public const int BadInput = 2;

    /// <summary>No WPAI silo could be reached at the gateways.</summary>
    public const int Unreachable = 3;

    /// <summary>The cluster refused the call: no credential, an unknown one, or one not allowed to do this.</summary>
    public const int Denied = 5;
}
