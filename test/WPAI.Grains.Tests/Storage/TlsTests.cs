using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WPAI.Client.Security;
using WPAI.Silo.Security;
using WPAI.Silo.Storage;

namespace WPAI.Grains.Tests.Storage;

/// <summary>TLS on the gateway with throwaway certificates: the right certificate connects, a wrong one or none does not.</summary>
public sealed class TlsTests : IDisposable
{
    private const string Password = TestCertificates.Password;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "wpai-tls-tests", Guid.NewGuid().ToString("N"));

    public TlsTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Client_ConnectsOnlyWithTheClusterCertificate()
    {
        var cluster = CreateCertificate("CN=wpai-test-cluster", "cluster.pfx");
        var rogue = CreateCertificate("CN=wpai-test-rogue", "rogue.pfx");
        var serviceId = "wpai-tls-" + Guid.NewGuid().ToString("N")[..8];
        var ports = WPAI.Tests.Shared.FreePorts.Take(2); // ports checked free by binding them
        var gatewayPort = ports[1];

        using var silo = new HostBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .UseOrleans(builder =>
            {
                builder.UseLocalhostClustering(ports[0], gatewayPort, serviceId: serviceId, clusterId: serviceId);
                builder.UseWpaiStorage(new WpaiStorageOptions { Kind = StorageKind.Memory });
                builder.UseWpaiTls(new WpaiSiloTlsOptions { Enabled = true, CertificatePath = cluster, CertificatePassword = Password });
            })
            .Build();
        await silo.StartAsync();
        try
        {
            using (var trusted = BuildClient(gatewayPort, serviceId, new WpaiClientTlsOptions { Enabled = true, CertificatePath = cluster, CertificatePassword = Password }))
            {
                await trusted.StartAsync();
                var grain = trusted.Services.GetRequiredService<IClusterClient>().GetGrain<IStorageProbeGrain>("tls-" + Guid.NewGuid().ToString("N"));
                Assert.Equal(4, await grain.AddAsync(4));
                await trusted.StopAsync();
            }

            await AssertCannotConnectAsync(BuildClient(gatewayPort, serviceId, new WpaiClientTlsOptions { Enabled = true, CertificatePath = rogue, CertificatePassword = Password }));
            await AssertCannotConnectAsync(BuildClient(gatewayPort, serviceId, new WpaiClientTlsOptions { Enabled = false }));
        }
        finally
        {
            await silo.StopAsync();
        }
    }

    [Fact]
    public void UseWpaiTls_NamesTheMissingCertificateFile()
    {
        var options = new WpaiSiloTlsOptions { Enabled = true, CertificatePath = Path.Combine(_folder, "missing.pfx") };

        var error = Assert.Throws<WPAI.Abstractions.Errors.WpaiValidationException>(options.Validate);

        Assert.Equal("tls.certificatePath", error.Field);
        Assert.Contains("missing.pfx", error.Reason, StringComparison.Ordinal);
    }

    private static IHost BuildClient(int gatewayPort, string serviceId, WpaiClientTlsOptions tls) =>
        new HostBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Critical))
            .UseOrleansClient(client =>
            {
                client.UseLocalhostClustering(gatewayPort, serviceId: serviceId, clusterId: serviceId);
                client.UseWpaiTls(tls);
            })
            .Build();

    private static async Task AssertCannotConnectAsync(IHost client)
    {
        using (client)
        {
            // A rejected handshake makes the client retry its gateway until the start is cancelled, so the
            // start either fails or is still not connected when the token fires.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            var start = client.StartAsync(timeout.Token);
            var finished = await Task.WhenAny(start, Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.Same(start, finished);
            Assert.True(start.IsFaulted || start.IsCanceled, "a client without the cluster certificate connected");
        }
    }

    private string CreateCertificate(string subject, string fileName) => TestCertificates.Create(_folder, subject, fileName);
}
