using WPAI.Client.Security;
using WPAI.Abstractions.Errors;

namespace WPAI.Silo.Security;

/// <summary>
/// TLS between silos and between clients and silos (Microsoft.Orleans.Connections.Security), configured from
/// section <see cref="SectionName"/>. Every silo and client presents a certificate, and a peer is accepted only
/// when its certificate is one of the trusted ones (pinned by thumbprint): this silo's own certificate (the usual
/// set-up: one cluster certificate on every silo and client) plus <see cref="TrustedCertificatePaths"/>.
/// </summary>
public sealed class WpaiSiloTlsOptions
{
    public const string SectionName = "Wpai:Tls";

    /// <summary>Off by default (an embedded single silo on loopback needs no TLS).</summary>
    public bool Enabled { get; set; }

    /// <summary>This silo's certificate with its private key: a PKCS#12 file (<c>.pfx</c>/<c>.p12</c>) or a PEM certificate (<c>.pem</c>/<c>.crt</c>) plus <see cref="PrivateKeyPath"/>.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PKCS#12 file's password, if any.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The PEM private key for a PEM <see cref="CertificatePath"/>.</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>Further certificates (public parts, PEM or DER) whose holders may connect, besides this silo's own.</summary>
    public IList<string> TrustedCertificatePaths { get; } = [];

    /// <summary>Whether clients must present a trusted certificate to use a gateway (default on).</summary>
    public bool RequireClientCertificate { get; set; } = true;

    public void Validate()
    {
        if (!Enabled)
        {
            return;
        }

        TlsCertificateFiles.ValidatePaths(CertificatePath, PrivateKeyPath, TrustedCertificatePaths, "tls");
    }
}
