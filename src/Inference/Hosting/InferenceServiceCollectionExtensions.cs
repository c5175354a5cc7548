using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WPAI.Inference.Load;
using WPAI.Inference.Models;

namespace WPAI.Inference.Hosting;

/// <summary>Registers the model server's services.</summary>
public static class InferenceServiceCollectionExtensions
{
    public static IServiceCollection AddWpaiInference(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<InferenceServerOptions>()
            .Bind(configuration.GetSection(InferenceServerOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => Directory.Exists(o.ModelRepository), "Inference:ModelRepository (--models) must name an existing folder, laid out as DIR/MODEL/VERSION/model.onnx")
            .Validate(o => o.LoadReportInterval > TimeSpan.Zero, "Inference:LoadReportInterval must be positive")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        if (configuration.GetSection(InferenceServerOptions.Section)[nameof(InferenceServerOptions.LoadReportFile)] is { Length: > 0 } loadFile)
        {
            services.TryAddSingleton<ILoadReporter>(new FileLoadReporter(Path.GetFullPath(loadFile)));
        }

        services.TryAddSingleton<ILoadReporter, NoOpLoadReporter>();
        services.AddSingleton<ModelRepository>();
        services.AddSingleton<Metrics.TritonMetrics>();
        services.AddSingleton<LoadSnapshotCollector>();
        services.AddHostedService<ModelRepositoryLoader>();
        services.AddHostedService<LoadReportingService>();
        return services;
    }
}
