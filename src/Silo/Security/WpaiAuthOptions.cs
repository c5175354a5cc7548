using WPAI.Abstractions.Errors;

namespace WPAI.Silo.Security;

/// <summary>
/// Who may call the cluster (configuration section <see cref="SectionName"/>). Off when <see cref="AdminToken"/> is
/// unset. When on, every call from a client must carry a credential (<c>--token</c>, <c>WPAI_TOKEN</c>, or
/// <c>WpaiClientOptions.Token</c>): the admin token may do everything; a submitter token of
/// <see cref="Submitters"/> may read and may submit and cancel its own department's jobs only.
/// </summary>
public sealed class WpaiAuthOptions
{
    public const string SectionName = "Wpai:Auth";

    /// <summary>The shortest token accepted, so that a token cannot be guessed.</summary>
    public const int MinTokenLength = 16;

    /// <summary>The admin credential: quotas, nodes, modes, services, mixing and everything a submitter may do.</summary>
    public string? AdminToken { get; set; }

    /// <summary>Submitter credentials: department → token (<c>Wpai:Auth:Submitters:research=…</c>).</summary>
    public Dictionary<string, string> Submitters { get; set; } = new(StringComparer.Ordinal);

    public bool Enabled => !string.IsNullOrEmpty(AdminToken);

    public void Validate()
    {
        if (!Enabled)
        {
            if (Submitters.Count > 0)
            {
                throw new WpaiValidationException("Wpai:Auth:AdminToken", "is required when submitter tokens are configured", "Set an admin token as well (at least 16 characters).");
            }

            return;
        }

        Token(AdminToken!, "Wpai:Auth:AdminToken");
        foreach (var (department, token) in Submitters)
        {
            WPAI.Domain.Validation.Validate.Id(department, $"Wpai:Auth:Submitters:{department}");
            Token(token, $"Wpai:Auth:Submitters:{department}");
            if (string.Equals(token, AdminToken, StringComparison.Ordinal))
            {
                throw new WpaiValidationException($"Wpai:Auth:Submitters:{department}", "equals the admin token", "Give every credential its own token.");
            }
        }

        if (Submitters.Values.Distinct(StringComparer.Ordinal).Count() != Submitters.Count)
        {
            throw new WpaiValidationException("Wpai:Auth:Submitters", "two departments share a token", "Give every department its own token.");
        }
    }

    private static void Token(string token, string field)
    {
        if (token.Length < MinTokenLength || token.Any(char.IsWhiteSpace))
        {
            throw new WpaiValidationException(field, $"must be at least {MinTokenLength} characters without spaces", "Generate one, e.g. `openssl rand -hex 24`.");
        }
    }
}
