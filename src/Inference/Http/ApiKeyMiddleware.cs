using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace WPAI.Inference.Http;

/// <summary>
/// With an API key configured (<c>--api-key</c>), every request but the health probes must carry it as
/// <c>Authorization: Bearer KEY</c> or <c>X-Api-Key: KEY</c> (gRPC: the same metadata); otherwise 401
/// (gRPC clients see UNAUTHENTICATED).
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, string apiKey)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(apiKey);

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/v2/health", StringComparison.Ordinal) || Matches(context.Request))
        {
            return next(context);
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        return JsonResponses.WriteErrorAsync(context, 401, "this server requires an API key: send 'Authorization: Bearer KEY' or 'X-Api-Key: KEY'");
    }

    private bool Matches(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        var presented = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : request.Headers["X-Api-Key"].ToString();
        return presented.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _key);
    }
}
