using System.Security.Claims;

namespace WPAI.WebConsole;

/// <summary>
/// Who uses the console, from the claims the silo's HTTP authentication set: with <c>Wpai:Auth</c> on, a department's
/// submitter signs in with the department as user name and its token as password and may submit and cancel that
/// department's jobs only, as the same token may through the CLI; the admin token (user <c>admin</c>) and the
/// dashboard's username and password may do everything. Without any credential configured the console stays on
/// loopback and acts as the silo itself.
/// </summary>
public sealed record ConsoleUser(string Name, ConsoleRole Role, string? Department)
{
    private const string AuthenticationType = "wpai-basic";
    private const string DepartmentClaim = "wpai:department";

    /// <summary>The visitor of a console with no credentials configured.</summary>
    public static ConsoleUser Open { get; } = new("", ConsoleRole.Open, null);

    /// <summary>The principal the silo's authentication sets for a signed-in visitor.</summary>
    public static ClaimsPrincipal Principal(string name, ConsoleRole role, string? department)
    {
        List<Claim> claims = [new(ClaimTypes.Name, name), new(ClaimTypes.Role, role.ToString())];
        if (department is not null)
        {
            claims.Add(new Claim(DepartmentClaim, department));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType));
    }

    /// <summary>The user <paramref name="principal"/> names; <see cref="Open"/> when nobody signed in.</summary>
    public static ConsoleUser From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity is not { IsAuthenticated: true, AuthenticationType: AuthenticationType } identity
            || !Enum.TryParse<ConsoleRole>(principal.FindFirstValue(ClaimTypes.Role), out var role))
        {
            return Open;
        }

        return new ConsoleUser(identity.Name ?? "", role, principal.FindFirstValue(DepartmentClaim));
    }

    /// <summary>Why this user may not submit a job of <paramref name="department"/>; null when it may.</summary>
    public string? RefusesSubmit(string department) =>
        Role == ConsoleRole.Submitter && !string.Equals(department, Department, StringComparison.Ordinal)
            ? $"access denied: the submitter of department '{Department}' may submit only '{Department}' jobs, not one of department '{department}'. Sign in with that department's token, or as admin"
            : null;

    /// <summary>Why this user may not cancel job <paramref name="jobId"/> of <paramref name="department"/>; null when it may.</summary>
    public string? RefusesCancel(string jobId, string department) =>
        Role == ConsoleRole.Submitter && !string.Equals(department, Department, StringComparison.Ordinal)
            ? $"access denied: the submitter of department '{Department}' may cancel only '{Department}' jobs; job '{jobId}' belongs to '{department}'. Ask that department or an admin"
            : null;

    /// <summary>One line for the page header.</summary>
    public string Describe() => Role switch
    {
        ConsoleRole.Admin => $"signed in as {Name} (admin)",
        ConsoleRole.Submitter => $"signed in as {Name} (submitter of {Department}: may submit and cancel its jobs)",
        _ => "open console on loopback (acts as the silo)",
    };
}
