using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WPAI.Tests.Shared;

/// <summary>Throwaway self-signed certificates (server and client authentication) written as password-protected .pfx files.</summary>
internal static class TestCertificates
{
    public const string Password = "wpai-test";

    /// <summary>Creates a certificate for <paramref name="subject"/> and writes it to <paramref name="folder"/>/<paramref name="fileName"/>.</summary>
    public static string Create(string folder, string subject, string fileName)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        var path = Path.Combine(folder, fileName);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return path;
    }
}
