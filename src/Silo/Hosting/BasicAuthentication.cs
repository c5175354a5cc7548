using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WPAI.Silo.Security;
using WPAI.WebConsole;

namespace WPAI.Silo.Hosting;

/// <summary>
/// HTTP basic authentication for the silo's endpoints (console, dashboard, metrics, health) when credentials are
/// configured: the dashboard's username and password (an operator: admin), and with <c>Wpai:Auth</c> on the cluster's
/// tokens as passwords: user <c>admin</c> with the admin token, or a department's name with its submitter token (that
/// department's submitter, <see cref="ConsoleUser"/>). The signed-in user becomes <c>HttpContext.User</c>. <c>/health</c>
/// stays open for probes unless the dashboard's own credentials are set.
/// </summary>
public static class BasicAuthentication
{
    public static IApplicationBuilder UseWpaiBasicAuthentication(this IApplicationBuilder app, DashboardSettings settings, WpaiAuthOptions auth)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(auth);
        var users = Users(settings, auth);
        if (users.Count == 0)
        {
            return app;
        }

        var healthNeedsCredentials = !string.IsNullOrEmpty(settings.Username);
        return app.Use(async (context, next) =>
        {
            if (Authenticate(context.Request.Headers.Authorization.ToString(), users) is { } user)
            {
                context.User = ConsoleUser.Principal(user.Name, user.Role, user.Department);
                await next(context);
                return;
            }

            if (!healthNeedsCredentials && context.Request.Path.Equals("/health", StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"wpai\"";
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(
                "401 Unauthorized: this WPAI silo's console, dashboard and metrics need credentials: the username and password set in Wpai:Dashboard, " +
                "or (with Wpai:Auth on) user 'admin' with the admin token, or a department's name with its submitter token.");
        });
    }

    private static List<User> Users(DashboardSettings settings, WpaiAuthOptions auth)
    {
        var users = new List<User>();
        if (!string.IsNullOrEmpty(settings.Username))
        {
            users.Add(new User(settings.Username, Hash(settings.Password ?? ""), ConsoleRole.Admin, null));
        }

        if (auth.Enabled)
        {
            users.Add(new User("admin", Hash(auth.AdminToken!), ConsoleRole.Admin, null));
            users.AddRange(auth.Submitters.Select(kv => new User(kv.Key, Hash(kv.Value), ConsoleRole.Submitter, kv.Key)));
        }

        return users;
    }

    private static User? Authenticate(string header, List<User> users)
    {
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string given;
        try
        {
            given = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = given.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return null;
        }

        var (name, password) = (given[..colon], Hash(given[(colon + 1)..]));
        User? found = null;
        foreach (var user in users)
        {
            // Compare every password (no early exit), so the time taken does not tell which entry matched.
            if (CryptographicOperations.FixedTimeEquals(password, user.PasswordHash) & string.Equals(name, user.Name, StringComparison.Ordinal))
            {
                found ??= user;
            }
        }

        return found;
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private sealed record User(string Name, byte[] PasswordHash, ConsoleRole Role, string? Department);
}
