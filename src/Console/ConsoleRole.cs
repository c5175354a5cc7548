namespace WPAI.WebConsole;

/// <summary>What a console visitor may do (<see cref="ConsoleUser"/>).</summary>
public enum ConsoleRole
{
    /// <summary>No credentials are configured: the console is on loopback and acts as the silo (may do everything).</summary>
    Open,

    /// <summary>The dashboard's username and password, or the cluster's admin token: may do everything.</summary>
    Admin,

    /// <summary>A department's submitter token: may see everything, and submit and cancel that department's jobs only.</summary>
    Submitter,
}
