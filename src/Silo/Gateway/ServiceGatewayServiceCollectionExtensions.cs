using Microsoft.Extensions.Configuration;
using WPAI.Grains.Inference;

namespace WPAI.Silo.Gateway;

/// <summary>Wiring of the inference gateway into the silo host.</summary>
public static class ServiceGatewayServiceCollectionExtensions
{
    /// <summary>
    /// Registers the validated <see cref="ServiceGatewayOptions"/> and, when a port is set, the <see cref="ServiceGateway"/>
    /// and the services' address below it.
    /// </summary>
    public static IServiceCollection AddWpaiServiceGateway(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(ServiceGatewayOptions.SectionName).Get<ServiceGatewayOptions>() ?? new ServiceGatewayOptions();
        options.Validate();
        services.AddOptions<ServiceGatewayOptions>().BindConfiguration(ServiceGatewayOptions.SectionName)
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        if (options.Enabled)
        {
            services.AddHostedService<ServiceGateway>();
            services.PostConfigure<InferenceScalingOptions>(o => o.GatewayUrl ??= options.Url);
        }

        return services;
    }
}
