using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace WPAI.Kubernetes;

/// <summary>The labels, annotations and taint WPAI puts on Kubernetes objects, and the rules of Kubernetes names.</summary>
public static partial class KubernetesNames
{
    /// <summary>Label on every object WPAI creates; the driver's watches select on it.</summary>
    public const string ManagedBy = "app.kubernetes.io/managed-by";

    public const string ManagedByValue = "wpai";

    public const string JobLabel = "wpai.io/job";

    public const string AttemptLabel = "wpai.io/attempt";

    public const string DepartmentLabel = "wpai.io/department";

    /// <summary>Label of an inference replica's pod: its service (the Service selects on it).</summary>
    public const string ServiceLabel = "wpai.io/service";

    /// <summary>Label of an inference replica's pod: its replica id.</summary>
    public const string ReplicaLabel = "wpai.io/replica";

    /// <summary>Annotation: the exact replica id.</summary>
    public const string ReplicaIdAnnotation = "wpai.io/replica-id";

    /// <summary>The node label naming a node's pool when the GPU-model label is absent.</summary>
    public const string PoolLabel = "wpai.io/pool";

    /// <summary>WPAI's mode of a node, mirrored as a node label and as a taint (see <see cref="NodeModeMirror"/>).</summary>
    public const string ModeKey = "wpai.io/mode";

    /// <summary>Annotation: the WPAI installation (<see cref="KubernetesDriverOptions.Owner"/>) that created the pod.</summary>
    public const string OwnerAnnotation = "wpai.io/owner";

    /// <summary>Annotation: the exact job id (a label value is limited to 63 characters of a smaller alphabet).</summary>
    public const string JobIdAnnotation = "wpai.io/job-id";

    /// <summary>The extended resource the NVIDIA device plugin advertises.</summary>
    public const string GpuResource = "nvidia.com/gpu";

    /// <summary>A label value: at most 63 characters, alphanumerics with '-', '_', '.' inside.</summary>
    public static bool IsLabelValue(string value) => value.Length <= 63 && LabelValuePattern().IsMatch(value);

    /// <summary>An RFC 1123 label: lower-case alphanumerics and '-', at most 63, starting and ending alphanumeric.</summary>
    public static bool IsDnsLabel(string value) => value.Length is > 0 and <= 63 && DnsLabelPattern().IsMatch(value);

    /// <summary>
    /// <paramref name="value"/> as a label value: itself when valid, else its allowed characters (others become '-')
    /// cut to fit, with a short hash of the original so that two different values never share a label.
    /// </summary>
    public static string ToLabelValue(string value)
    {
        if (IsLabelValue(value))
        {
            return value;
        }

        var cleaned = DisallowedLabelCharacters().Replace(value, "-").Trim('-', '_', '.');
        var hash = ShortHash(value);
        var head = cleaned.Length > 54 ? cleaned[..54].TrimEnd('-', '_', '.') : cleaned;
        return head.Length == 0 ? hash : $"{head}-{hash}";
    }

    /// <summary>An RFC 1123 label made from <paramref name="value"/>: lower-cased, other characters as '-', hashed when changed or cut.</summary>
    public static string ToDnsLabel(string value, int maxLength)
    {
        var lowered = value.ToLowerInvariant();
        var cleaned = DisallowedDnsCharacters().Replace(lowered, "-").Trim('-');
        if (string.Equals(cleaned, value, StringComparison.Ordinal) && cleaned.Length <= maxLength && cleaned.Length > 0)
        {
            return cleaned;
        }

        var hash = ShortHash(value);
        var room = maxLength - hash.Length - 1;
        var head = cleaned.Length > room ? cleaned[..room].TrimEnd('-') : cleaned;
        return head.Length == 0 ? hash : $"{head}-{hash}";
    }

    /// <summary>Eight hex digits of the SHA-256 of <paramref name="value"/>: stable across processes.</summary>
    public static string ShortHash(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..8];

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValuePattern();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabelPattern();

    [GeneratedRegex("[^-A-Za-z0-9_.]")]
    private static partial Regex DisallowedLabelCharacters();

    [GeneratedRegex("[^-a-z0-9]")]
    private static partial Regex DisallowedDnsCharacters();
}
