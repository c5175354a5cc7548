using Microsoft.Extensions.DependencyInjection.Extensions;
using WPAI.Abstractions.Ports;

namespace WPAI.Grains.Inference;

/// <summary>Wiring of inference services into a silo.</summary>
public static class InferenceServiceCollectionExtensions
{
    /// <summary>Registers the validated <see cref="InferenceScalingOptions"/> and the <see cref="ForecastTrainingWorker"/> and, unless a driver registered one, the reservation-only <see cref="IReplicaLauncher"/>.</summary>
    public static IServiceCollection AddWpaiInference(this IServiceCollection services, Action<InferenceScalingOptions>? configure = null)
    {
        var options = services.AddOptions<InferenceScalingOptions>().BindConfiguration(InferenceScalingOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        services.TryAddSingleton<ForecastTrainingWorker>();
        services.TryAddSingleton<IReplicaLauncher, ReservationOnlyReplicaLauncher>();
        return services;
    }
}
