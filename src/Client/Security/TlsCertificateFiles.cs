using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using WPAI.Abstractions.Errors;

namespace WPAI.Client.Security;

/// <summary>Loads TLS certificates from files with errors that name the setting and the file.</summary>
public static class TlsCertificateFiles
{
    public static void ValidatePaths(string? certificatePath, string? privateKeyPath, IEnumerable<string> trustedPaths, string prefix)
    {
        if (string.IsNullOrWhiteSpace(certificatePath))
        {
            throw new WpaiValidationException(
                prefix + ".certificatePath",
                "is required when TLS is enabled",
                "Give a .pfx/.p12 file with the private key, or a .pem certificate plus tls.privateKeyPath.");
        }

        RequireFile(certificatePath, prefix + ".certificatePath");
        if (IsPem(certificatePath))
        {
            if (string.IsNullOrWhiteSpace(privateKeyPath))
            {
                throw new WpaiValidationException(
                    prefix + ".privateKeyPath",
                    $"is required because {certificatePath} is a PEM certificate",
                    "Give the PEM private key file that belongs to it, or use a .pfx file.");
            }

            RequireFile(privateKeyPath, prefix + ".privateKeyPath");
        }

        foreach (var trusted in trustedPaths)
        {
            RequireFile(trusted, prefix + ".trustedCertificatePaths");
        }
    }

    public static X509Certificate2 LoadOwn(string certificatePath, string? password, string? privateKeyPath, string field)
    {
        try
        {
            var certificate = IsPem(certificatePath)
                ? X509Certificate2.CreateFromPemFile(certificatePath, privateKeyPath)
                : X509CertificateLoader.LoadPkcs12FromFile(certificatePath, password);
            if (!certificate.HasPrivateKey)
            {
                throw new WpaiValidationException(field, $"{certificatePath} has no private key", "Export the certificate together with its private key.");
            }

            return certificate;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new WpaiValidationException(field, $"{certificatePath} cannot be read: {ex.Message}", "Check the file format, its permissions and the password.");
        }
    }

    public static X509Certificate2 LoadPublic(string path, string field)
    {
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new WpaiValidationException(field, $"{path} cannot be read as a certificate: {ex.Message}", "Give a PEM or DER certificate file.");
        }
    }

    private static bool IsPem(string path) =>
        path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".crt", StringComparison.OrdinalIgnoreCase);

    private static void RequireFile(string path, string field)
    {
        if (!File.Exists(path))
        {
            throw new WpaiValidationException(field, $"file {path} does not exist", "Check the path (relative paths start at the working directory).");
        }
    }
}
