namespace WPAI.Client.Security;

/// <summary>
/// TLS from this client to the cluster's gateways (Microsoft.Orleans.Connections.Security); mirrors the silos'
/// <c>Wpai:Tls</c> settings. The client presents its certificate and accepts a gateway only when the gateway's
/// certificate is this client's own (one cluster certificate) or one of <see cref="TrustedCertificatePaths"/>.
/// </summary>
public sealed class WpaiClientTlsOptions
{
    public const string SectionName = "Wpai:Tls";

    public bool Enabled { get; set; }

    /// <summary>This client's certificate with its private key (<c>.pfx</c>/<c>.p12</c>, or <c>.pem</c> plus <see cref="PrivateKeyPath"/>).</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    public string? PrivateKeyPath { get; set; }

    /// <summary>Gateway certificates (public parts) to accept besides this client's own.</summary>
    public IList<string> TrustedCertificatePaths { get; } = [];

    public void Validate()
    {
        if (Enabled)
        {
            TlsCertificateFiles.ValidatePaths(CertificatePath, PrivateKeyPath, TrustedCertificatePaths, "tls");
        }
    }
}
