using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace WPAI.Silo.Hosting;

/// <summary>HTTP basic authentication for the silo's endpoints when a username and password are configured.</summary>
public static class BasicAuthentication
{
    public static IApplicationBuilder UseWpaiBasicAuthentication(this IApplicationBuilder app, DashboardSettings settings)
    {
        if (string.IsNullOrEmpty(settings.Username))
        {
            return app;
        }

        var expected = Encoding.UTF8.GetBytes($"{settings.Username}:{settings.Password}");
        return app.Use(async (context, next) =>
        {
            if (IsAuthorized(context.Request.Headers.Authorization.ToString(), expected))
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"wpai\"";
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("401 Unauthorized: this WPAI silo's console, dashboard and metrics need the username and password set in Wpai:Dashboard.");
        });
    }

    private static bool IsAuthorized(string header, byte[] expected)
    {
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            var given = Convert.FromBase64String(header["Basic ".Length..].Trim());
            return CryptographicOperations.FixedTimeEquals(given, expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
