using Orleans.Runtime;
using WPAI.Abstractions.Ports;

namespace WPAI.Kubernetes;

/// <summary>Wiring of the Kubernetes driver into a silo.</summary>
public static class KubernetesServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Kubernetes driver as the silo's <see cref="IClusterDriver"/>, its options (section
    /// <c>Wpai:Kubernetes</c>, validated on start), the API client (from <paramref name="client"/> when given, else from
    /// the options' kubeconfig or the in-cluster service account) and the loops that run while the silo is active.
    /// </summary>
    public static IServiceCollection AddWpaiKubernetes(this IServiceCollection services, Action<KubernetesDriverOptions>? configure = null, Func<IServiceProvider, IKubernetes>? client = null)
    {
        var builder = services.AddOptions<KubernetesDriverOptions>().BindConfiguration(KubernetesDriverOptions.SectionName);
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        services.AddSingleton(client ?? (sp => new k8s.Kubernetes(KubernetesConnection.Configure(sp.GetRequiredService<IOptions<KubernetesDriverOptions>>().Value))));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<KubernetesNodeSync>();
        services.AddSingleton<KubernetesClusterDriver>();
        services.AddSingleton<KubernetesReplicaSync>();
        services.AddSingleton<KubernetesUsageReader>();
        services.AddSingleton<KubernetesUsageSampler>();
        services.AddSingleton<IClusterDriver>(sp => sp.GetRequiredService<KubernetesClusterDriver>());
        services.AddSingleton<KubernetesDriverRuntime>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<KubernetesDriverRuntime>());
        return services;
    }
}
