namespace WPAI.Inference.Hosting;

/// <summary>
/// TLS for the model server's <c>https://</c> endpoints (section <c>Wpai:Inference:Tls</c>): the server certificate
/// (PEM certificate and key, or a PFX with its password) and, for mutual TLS, the CA that client certificates must chain to.
/// </summary>
public sealed class InferenceTlsOptions
{
    public const string Section = "Wpai:Inference:Tls";

    /// <summary>PEM certificate (with <see cref="KeyPath"/>) or PFX file.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key of the certificate; empty for a PFX.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Password of the PFX or of an encrypted PEM key.</summary>
    public string? Password { get; set; }

    /// <summary>When set, every client must present a certificate issued by this CA (PEM): mutual TLS, which counts as authentication.</summary>
    public string? ClientCertificateAuthorityPath { get; set; }

    public bool RequiresClientCertificates => !string.IsNullOrEmpty(ClientCertificateAuthorityPath);
}
