using WPAI.Client.Security;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace WPAI.Silo.Security;

/// <summary>Wires <see cref="WpaiSiloTlsOptions"/> into a silo.</summary>
public static class WpaiSiloTlsExtensions
{
    /// <summary>
    /// When <see cref="WpaiSiloTlsOptions.Enabled"/>, requires TLS 1.2+ on every silo-to-silo and client-to-gateway
    /// connection, with certificates on both sides pinned by thumbprint (see <see cref="WpaiSiloTlsOptions"/>).
    /// Does nothing when disabled.
    /// </summary>
    public static ISiloBuilder UseWpaiTls(this ISiloBuilder builder, WpaiSiloTlsOptions options)
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
            using var peer = TlsCertificateFiles.LoadPublic(path, "tls.trustedCertificatePaths");
            trusted.Add(peer.Thumbprint);
        }

        return builder.UseTls(certificate, tls =>
        {
            tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.ClientCertificateMode = options.RequireClientCertificate ? RemoteCertificateMode.RequireCertificate : RemoteCertificateMode.AllowCertificate;
            tls.RemoteCertificateValidation = (remote, _, _) => IsTrusted(remote, trusted, options.RequireClientCertificate);
        });
    }

    /// <summary>
    /// When <see cref="WpaiAuthOptions.Enabled"/>, every client call to a WPAI grain must carry the admin or a
    /// submitter credential (see <see cref="AuthorizationCallFilter"/>). Does nothing when no admin token is set.
    /// </summary>
    public static ISiloBuilder UseWpaiAuthorization(this ISiloBuilder builder, WpaiAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options.Enabled ? builder.AddIncomingGrainCallFilter(new AuthorizationCallFilter(options)) : builder;
    }

    private static bool IsTrusted(X509Certificate2? remote, HashSet<string> trusted, bool requireCertificate) =>
        remote is null ? !requireCertificate : trusted.Contains(remote.Thumbprint);
}
