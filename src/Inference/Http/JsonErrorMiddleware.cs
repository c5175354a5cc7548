using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WPAI.Inference.Http;

/// <summary>Every error the server answers is <c>{"error": "..."}</c> with the right status: refusals, unmatched routes and methods, and failures.</summary>
public static partial class JsonErrorMiddleware
{
    public static IApplicationBuilder UseJsonErrors(this IApplicationBuilder app)
    {
        app.UseStatusCodePages(context =>
        {
            var http = context.HttpContext;
            var request = $"{http.Request.Method} {http.Request.Path}";
            var message = http.Response.StatusCode switch
            {
                404 => $"no endpoint answers {request}; the endpoints are listed under 'Model server' in the README (KServe v2: /v2, /v2/health/*, /v2/models/..., /v2/repository/...)",
                405 => $"{request}: method not allowed on this endpoint; see the endpoint list under 'Model server' in the README",
                _ => $"{request} failed with HTTP {http.Response.StatusCode}",
            };
            return JsonResponses.WriteErrorAsync(http, http.Response.StatusCode, message);
        });
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (InferenceRequestException ex) when (!context.Response.HasStarted)
            {
                await InferEndpoint.WriteRefusalAsync(context, ex);
            }
            catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
            {
                await JsonResponses.WriteErrorAsync(context, ex.StatusCode, ex.Message);
            }
            catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                LogFailure(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(JsonErrorMiddleware)), context.Request.Method, context.Request.Path, ex);
                await JsonResponses.WriteErrorAsync(context, 500, $"{context.Request.Method} {context.Request.Path} failed inside the server: {ex.Message}");
            }
        });
        return app;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailure(ILogger logger, string method, string path, Exception exception);
}
