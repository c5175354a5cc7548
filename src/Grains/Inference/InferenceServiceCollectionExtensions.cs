using Microsoft.Extensions.DependencyInjection.Extensions;

namespace WPAI.Grains.Inference;

/// <summary>Wiring of inference services into a silo.</summary>
public static class InferenceServiceCollectionExtensions
{
    /// <summary>Registers the validated <see cref="InferenceScalingOptions"/> and the <see cref="ForecastTrainingWorker"/>.</summary>
    public static IServiceCollection AddWpaiInference(this IServiceCollection services, Action<InferenceScalingOptions>? configure = null)
    {
        var options = services.AddOptions<InferenceScalingOptions>().BindConfiguration(InferenceScalingOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        services.TryAddSingleton<ForecastTrainingWorker>();
        return services;
    }
}
