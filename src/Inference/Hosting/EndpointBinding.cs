using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace WPAI.Inference.Hosting;

/// <summary>Binds the REST and gRPC addresses on Kestrel, with TLS from <see cref="InferenceTlsOptions"/> for <c>https://</c> ones.</summary>
public static class EndpointBinding
{
    /// <summary>Listens on <paramref name="url"/>: REST over HTTP/1.1 (and HTTP/2 with TLS), gRPC over HTTP/2.</summary>
    public static void Listen(KestrelServerOptions kestrel, string url, bool grpc, InferenceTlsOptions tls)
    {
        var address = Parse(url);
        var https = string.Equals(address.Scheme, "https", StringComparison.OrdinalIgnoreCase);
        void Configure(ListenOptions o)
        {
            o.Protocols = grpc ? HttpProtocols.Http2 : https ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
            if (https)
            {
                UseTls(o, tls, url);
            }
        }

        if (address.Host == "localhost")
        {
            kestrel.ListenLocalhost(address.Port, Configure);
        }
        else if (address.Host is "*" or "+" or "0.0.0.0" or "[::]")
        {
            kestrel.ListenAnyIP(address.Port, Configure);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(address.Host.Trim('[', ']')), address.Port, Configure);
        }
    }

    /// <summary>True when the address accepts connections from this machine only.</summary>
    public static bool IsLoopback(string url)
    {
        var host = Parse(url).Host.Trim('[', ']');
        return host == "localhost" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    private static BindingAddress Parse(string url)
    {
        try
        {
            var address = BindingAddress.Parse(url);
            if (address.Host.Length == 0 || (address.Host is not ("localhost" or "*" or "+") && !IPAddress.TryParse(address.Host.Trim('[', ']'), out _)))
            {
                throw new FormatException("the host must be an IP address, localhost, * or +");
            }

            return address;
        }
        catch (FormatException ex)
        {
            throw new InferenceStartupException($"'{url}' is not a listening address ({ex.Message}); write it as http://127.0.0.1:8000, https://0.0.0.0:8443 or http://localhost:8001");
        }
    }

    private static void UseTls(ListenOptions listen, InferenceTlsOptions tls, string url)
    {
        if (string.IsNullOrEmpty(tls.CertificatePath))
        {
            throw new InferenceStartupException($"'{url}' is https but no certificate is configured: set {InferenceTlsOptions.Section}:CertificatePath (and KeyPath for PEM)");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = string.IsNullOrEmpty(tls.KeyPath)
                ? X509CertificateLoader.LoadPkcs12FromFile(tls.CertificatePath, tls.Password)
                : string.IsNullOrEmpty(tls.Password)
                    ? X509Certificate2.CreateFromPemFile(tls.CertificatePath, tls.KeyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(tls.CertificatePath, tls.Password, tls.KeyPath);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException)
        {
            throw new InferenceStartupException($"{InferenceTlsOptions.Section}: the certificate '{tls.CertificatePath}' could not be loaded: {ex.Message}");
        }

        var authority = tls.RequiresClientCertificates ? LoadAuthority(tls.ClientCertificateAuthorityPath!) : null;
        listen.UseHttps(https =>
        {
            https.ServerCertificate = certificate;
            if (authority is not null)
            {
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.ClientCertificateValidation = (client, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(client);
                };
            }
        });
    }

    /// <summary>The client certificate authority: a PEM certificate, no key (the first CERTIFICATE block of the file).</summary>
    private static X509Certificate2 LoadAuthority(string path)
    {
        try
        {
            return X509Certificate2.CreateFromPem(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InferenceStartupException($"{InferenceTlsOptions.Section}:ClientCertificateAuthorityPath: the certificate authority '{path}' could not be loaded: {ex.Message} (a PEM file with a CERTIFICATE block)");
        }
    }
}
