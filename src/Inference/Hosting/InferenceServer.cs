using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WPAI.Inference.Grpc;
using WPAI.Inference.Http;

namespace WPAI.Inference.Hosting;

/// <summary>
/// Builds the model server: <c>--models DIR --urls http://127.0.0.1:8000 [--grpc-urls http://127.0.0.1:8001]
/// [--model-control-mode explicit] [--api-key KEY] [--insecure]</c>; TLS from <c>Wpai:Inference:Tls</c>.
/// </summary>
public static partial class InferenceServer
{
    public const string DefaultUrl = "http://127.0.0.1:8000";

    /// <summary>Builds the server; throws <see cref="InferenceStartupException"/> when it must not start as configured.</summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        // A bare --insecure is a switch; the configuration reader wants a value.
        args = args.Select(a => a == "--insecure" ? "--insecure=true" : a).ToArray();

        // --urls is bound here, endpoint by endpoint, so it is kept away from the host (which would warn that it is overridden).
        var urlsIndex = Array.FindIndex(args, a => a == "--urls" || a.StartsWith("--urls=", StringComparison.Ordinal));
        string? urlsArgument = null;
        if (urlsIndex >= 0)
        {
            var inline = args[urlsIndex].Length > "--urls".Length;
            urlsArgument = inline ? args[urlsIndex]["--urls=".Length..] : urlsIndex + 1 < args.Length ? args[urlsIndex + 1] : throw new InferenceStartupException("--urls needs a value, e.g. --urls http://127.0.0.1:8000");
            args = args.Where((_, i) => i != urlsIndex && (inline || i != urlsIndex + 1)).ToArray();
        }

        var builder = WebApplication.CreateSlimBuilder(args);
        const string section = InferenceServerOptions.Section;
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
        {
            ["--models"] = $"{section}:{nameof(InferenceServerOptions.ModelRepository)}",
            ["--max-body-bytes"] = $"{section}:{nameof(InferenceServerOptions.MaxRequestBodyBytes)}",
            ["--model-control-mode"] = $"{section}:{nameof(InferenceServerOptions.ModelControlMode)}",
            ["--grpc-urls"] = $"{section}:{nameof(InferenceServerOptions.GrpcUrls)}",
            ["--api-key"] = $"{section}:{nameof(InferenceServerOptions.ApiKey)}",
            ["--insecure"] = $"{section}:{nameof(InferenceServerOptions.Insecure)}",
            ["--load-report-file"] = $"{section}:{nameof(InferenceServerOptions.LoadReportFile)}",
            ["--load-report-interval"] = $"{section}:{nameof(InferenceServerOptions.LoadReportInterval)}",
        });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddWpaiInference(builder.Configuration);
        configureServices?.Invoke(builder.Services);

        var options = builder.Configuration.GetSection(section).Get<InferenceServerOptions>() ?? new InferenceServerOptions();
        var tls = builder.Configuration.GetSection(InferenceTlsOptions.Section).Get<InferenceTlsOptions>() ?? new InferenceTlsOptions();
        var urls = Split(urlsArgument ?? builder.Configuration[WebHostDefaults.ServerUrlsKey] ?? DefaultUrl);
        var grpcUrls = Split(options.GrpcUrls);
        var exposed = urls.Concat(grpcUrls).Where(u => !EndpointBinding.IsLoopback(u)).ToArray();
        var authenticated = !string.IsNullOrEmpty(options.ApiKey) || tls.RequiresClientCertificates;
        if (exposed.Length > 0 && !authenticated && !options.Insecure)
        {
            throw new InferenceStartupException($"refusing to serve {string.Join(", ", exposed)} without authentication: anyone who reaches that address could run and unload models. Pass --api-key KEY (clients send 'Authorization: Bearer KEY'), or require client certificates ({InferenceTlsOptions.Section}:ClientCertificateAuthorityPath), or --insecure to serve unauthenticated anyway");
        }

        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = (int)Math.Min(options.MaxRequestBodyBytes, int.MaxValue);
            o.MaxSendMessageSize = null;
        });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            foreach (var url in urls)
            {
                EndpointBinding.Listen(k, url, grpc: false, tls);
            }

            foreach (var url in grpcUrls)
            {
                EndpointBinding.Listen(k, url, grpc: true, tls);
            }
        });
        var app = builder.Build();
        if (exposed.Length > 0 && !authenticated)
        {
            LogInsecure(app.Logger, string.Join(", ", exposed));
        }

        app.UseJsonErrors();
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            app.UseMiddleware<ApiKeyMiddleware>(options.ApiKey);
        }

        app.MapKServeV2();
        app.MapGrpcService<InferenceGrpcService>();
        return app;
    }

    private static string[] Split(string? urls) => (urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "INSECURE: serving {Addresses} WITHOUT AUTHENTICATION (--insecure): anyone who reaches these addresses can run, load and unload models. Use --api-key or client certificates outside a trusted network.")]
    private static partial void LogInsecure(ILogger logger, string addresses);
}
