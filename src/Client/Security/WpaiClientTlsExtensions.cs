using Orleans.Connections.Security;

namespace WPAI.Client.Security;

/// <summary>Wires <see cref="WpaiClientTlsOptions"/> into a cluster client.</summary>
public static class WpaiClientTlsExtensions
{
    /// <summary>When enabled, connects to gateways over TLS 1.2+ with this client's certificate, accepting only pinned gateway certificates.</summary>
    public static IClientBuilder UseWpaiTls(this IClientBuilder builder, WpaiClientTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return builder;
        }

        options.Validate();
        var certificate = TlsCertificateFiles.LoadOwn(options.CertificatePath!, options.CertificatePassword, options.PrivateKeyPath, "tls.certificatePath");
        var trusted = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { certificate.Thumbprint };
        foreach (var path in options.TrustedCertificatePaths)
        {
            using var gateway = TlsCertificateFiles.LoadPublic(path, "tls.trustedCertificatePaths");
            trusted.Add(gateway.Thumbprint);
        }

        return builder.UseTls(certificate, tls =>
        {
            tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.RemoteCertificateValidation = (remote, _, _) => remote is not null && trusted.Contains(remote.Thumbprint);
        });
    }
}
