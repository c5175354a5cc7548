using System.Globalization;

namespace WPAI.Kubernetes;

/// <summary>
/// A WPAI allocation as a container's resources: CPU and memory requested and limited alike (the kubelet reserves
/// exactly what WPAI counted), and <c>nvidia.com/gpu</c> as a limit (extended resources are requested = limited).
/// </summary>
public static class PodResources
{
    public static V1ResourceRequirements For(Resources resources)
    {
        var requests = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        if (resources.CpuMilli > 0)
        {
            requests["cpu"] = new ResourceQuantity(NodeTranslation.CpuQuantity(resources.CpuMilli));
        }

        if (resources.MemoryMib > 0)
        {
            requests["memory"] = new ResourceQuantity(NodeTranslation.MemoryQuantity(resources.MemoryMib));
        }

        var limits = new Dictionary<string, ResourceQuantity>(requests, StringComparer.Ordinal);
        if (resources.Gpus > 0)
        {
            limits[KubernetesNames.GpuResource] = new ResourceQuantity(resources.Gpus.ToString(CultureInfo.InvariantCulture));
        }

        return new V1ResourceRequirements { Requests = requests, Limits = limits };
    }
}
