namespace WPAI.Kubernetes;

/// <summary>How the driver reaches the API server: a kubeconfig file (and context), else the in-cluster service account, else the default kubeconfig.</summary>
public static class KubernetesConnection
{
    public static KubernetesClientConfiguration Configure(KubernetesDriverOptions options)
    {
        try
        {
            if (options.KubeConfig is { } path)
            {
                return KubernetesClientConfiguration.BuildConfigFromConfigFile(path, options.Context);
            }

            return KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile(currentContext: options.Context);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or k8s.Exceptions.KubeConfigException)
        {
            throw new WpaiValidationException(
                $"{KubernetesDriverOptions.SectionName}:KubeConfig",
                $"no usable Kubernetes configuration ({ex.Message})",
                "Give --kubeconfig FILE (and --kube-context NAME), or run the silo in a pod with a service account.");
        }
    }
}
