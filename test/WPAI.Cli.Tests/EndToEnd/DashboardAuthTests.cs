using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using WPAI.Silo.Hosting;

namespace WPAI.Cli.Tests.EndToEnd;

/// <summary>With a username and password configured, the silo's HTTP endpoints answer only to basic auth.</summary>
public sealed class DashboardAuthTests
{
    [Fact]
    public async Task Dashboard_WithCredentials_Returns401WithoutThemAnd200WithThem()
    {
        var ports = SiloFixture.FreePorts(3);
        await using var app = WpaiHost.Build(
            [
                "--silo-port", ports[0].ToString(CultureInfo.InvariantCulture),
                "--gateway-port", ports[1].ToString(CultureInfo.InvariantCulture),
                "--dashboard-port", ports[2].ToString(CultureInfo.InvariantCulture),
                "--cluster-id", "wpai-auth-" + Guid.NewGuid().ToString("N")[..8],
                "--storage", "memory",
                "--Wpai:Dashboard:Username", "admin",
                "--Wpai:Dashboard:Password", "s3cret",
            ],
            builder => builder.Logging.ClearProviders());
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[2]}") };
            using (var anonymous = await http.GetAsync(new Uri("/dashboard/", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            }

            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:wrong")));
            using (var wrong = await http.GetAsync(new Uri("/health", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            }

            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:s3cret")));
            using var authorized = await http.GetAsync(new Uri("/dashboard/", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
