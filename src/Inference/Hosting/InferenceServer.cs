using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WPAI.Inference.Http;

namespace WPAI.Inference.Hosting;

/// <summary>Builds the model server: <c>--models DIR --urls http://127.0.0.1:8000</c>.</summary>
public static class InferenceServer
{
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
        {
            ["--models"] = $"{InferenceServerOptions.Section}:{nameof(InferenceServerOptions.ModelRepository)}",
            ["--max-body-bytes"] = $"{InferenceServerOptions.Section}:{nameof(InferenceServerOptions.MaxRequestBodyBytes)}",
            ["--model-control-mode"] = $"{InferenceServerOptions.Section}:{nameof(InferenceServerOptions.ModelControlMode)}",
        });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddWpaiInference(builder.Configuration);
        configureServices?.Invoke(builder.Services);
        var maxBody = builder.Configuration.GetValue<long?>($"{InferenceServerOptions.Section}:{nameof(InferenceServerOptions.MaxRequestBodyBytes)}") ?? new InferenceServerOptions().MaxRequestBodyBytes;
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = maxBody);
        var app = builder.Build();
        app.UseJsonErrors();
        app.MapKServeV2();
        return app;
    }
}
