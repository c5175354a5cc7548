using System.Net.Http;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using WPAI.Inference.Hosting;

namespace WPAI.Inference.Tests;

/// <summary>
/// <c>Wpai:Inference:Tls</c> applied on a real Kestrel socket: the server presents its PEM certificate; with a client
/// certificate authority, a client without a certificate, or with one the authority did not issue, gets no answer,
/// and a client with an issued certificate is served. A non-loopback address with mutual TLS needs no API key.
/// </summary>
public sealed class TlsTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "wpai-inference-tls-" + Guid.NewGuid().ToString("N"));
    private X509Certificate2 _server = null!;
    private X509Certificate2 _issuedClient = null!;
    private X509Certificate2 _strangerClient = null!;
    private WebApplication? _app;
    private string _url = string.Empty;

    private string Repository => Path.Combine(_folder, "models");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Repository);
        TinyModels.Write(TinyModels.Doubler(dynamicBatch: false), Repository, "doubler", """{"maxBatchSize": 4}""");

        using var authority = SelfSigned("CN=wpai-test-ca", isAuthority: true);
        _server = SelfSigned("CN=127.0.0.1", isAuthority: false);
        _issuedClient = Issued(authority, "CN=wpai-client");
        using var otherAuthority = SelfSigned("CN=someone-else-ca", isAuthority: true);
        _strangerClient = Issued(otherAuthority, "CN=stranger");

        File.WriteAllText(Path.Combine(_folder, "server.pem"), _server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_folder, "server.key"), _server.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(_folder, "ca.pem"), authority.ExportCertificatePem());

        _app = InferenceServer.Build([
            "--models", Repository,
            "--urls", "https://127.0.0.1:0",
            $"--{InferenceTlsOptions.Section}:CertificatePath", Path.Combine(_folder, "server.pem"),
            $"--{InferenceTlsOptions.Section}:KeyPath", Path.Combine(_folder, "server.key"),
            $"--{InferenceTlsOptions.Section}:ClientCertificateAuthorityPath", Path.Combine(_folder, "ca.pem"),
            "--Logging:LogLevel:Default", "Warning"]);
        await _app.StartAsync();
        _url = _app.Urls.Single();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _server.Dispose();
        _issuedClient.Dispose();
        _strangerClient.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task ClientWithAnIssuedCertificate_IsServed_OverTls_WithTheServersCertificate()
    {
        X509Certificate2? seen = null;
        using var client = Client(_issuedClient, certificate => seen = certificate);

        using var response = await client.GetAsync(new Uri(new Uri(_url), "/v2"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("https://", _url, StringComparison.Ordinal);
        Assert.Equal(_server.Thumbprint, seen?.Thumbprint);
        Assert.Contains("wpai-inference", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientWithoutACertificate_IsRefused()
    {
        using var client = Client(clientCertificate: null, _ => { });

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync(new Uri(new Uri(_url), "/v2/models/doubler")));
    }

    [Fact]
    public async Task ClientWithACertificateFromAnotherAuthority_IsRefused()
    {
        using var client = Client(_strangerClient, _ => { });

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync(new Uri(new Uri(_url), "/v2/models/doubler")));
    }

    [Fact]
    public void PlainHttpClient_GetsNoAnswerFromTheTlsPort()
    {
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var http = _url.Replace("https://", "http://", StringComparison.Ordinal);

        Assert.ThrowsAny<Exception>(() => plain.GetAsync(new Uri(new Uri(http), "/v2/health/live")).GetAwaiter().GetResult().EnsureSuccessStatusCode());
    }

    [Fact]
    public void NonLoopbackAddress_WithMutualTls_NeedsNoApiKey_ButAnUnreadableCertificateIsRefused()
    {
        var tls = new[]
        {
            $"--{InferenceTlsOptions.Section}:CertificatePath", Path.Combine(_folder, "server.pem"),
            $"--{InferenceTlsOptions.Section}:KeyPath", Path.Combine(_folder, "server.key"),
            $"--{InferenceTlsOptions.Section}:ClientCertificateAuthorityPath", Path.Combine(_folder, "ca.pem"),
        };

        // Built, not started: nothing binds the wildcard address.
        Assert.NotNull(InferenceServer.Build(["--models", Repository, "--urls", "https://0.0.0.0:0", .. tls]));

        var missing = Path.Combine(_folder, "missing.pem");
        var ex = Assert.ThrowsAny<Exception>(() =>
        {
            var app = InferenceServer.Build(["--models", Repository, "--urls", "https://127.0.0.1:0", $"--{InferenceTlsOptions.Section}:CertificatePath", missing, $"--{InferenceTlsOptions.Section}:KeyPath", missing]);
            app.StartAsync().GetAwaiter().GetResult();
        });
        Assert.Contains("missing.pem", ex.ToString(), StringComparison.Ordinal);
    }

    private static HttpClient Client(X509Certificate2? clientCertificate, Action<X509Certificate2> onServerCertificate)
    {
        var handler = new HttpClientHandler
        {
            ClientCertificateOptions = ClientCertificateOption.Manual,
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,

            // The test server's certificate is self-signed: the test pins it by recording what it saw.
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is not null)
                {
                    onServerCertificate(X509CertificateLoader.LoadCertificate(certificate.RawData));
                }

                return true;
            },
        };
        if (clientCertificate is not null)
        {
            handler.ClientCertificates.Add(clientCertificate);
        }

        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    private static X509Certificate2 SelfSigned(string subject, bool isAuthority)
    {
        var key = RSA.Create(2048);
        var request = Request(subject, key, isAuthority);
        if (!isAuthority)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
    }

    private static X509Certificate2 Issued(X509Certificate2 authority, string subject)
    {
        using var key = RSA.Create(2048);
        var request = Request(subject, key, isAuthority: false);
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(authority, now.AddHours(-1), now.AddHours(12), RandomNumberGenerator.GetBytes(8));

        // Export and reload so the private key travels with the certificate into the TLS handshake.
        return X509CertificateLoader.LoadPkcs12(issued.CopyWithPrivateKey(key).Export(X509ContentType.Pfx, "t"), "t");
    }

    private static CertificateRequest Request(string subject, RSA key, bool isAuthority)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isAuthority, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            isAuthority ? X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign : X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment,
            critical: true));
        if (!isAuthority)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
                [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        }

        return request;
    }
}
