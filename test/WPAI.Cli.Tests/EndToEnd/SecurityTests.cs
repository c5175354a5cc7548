using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;
using WPAI.Silo.Hosting;

namespace WPAI.Cli.Tests.EndToEnd;

/// <summary>
/// A real silo with mutual TLS (the pinned cluster certificate) and credentials, driven by the real <c>wpai</c> commands
/// over real TLS: the admin manages, a submitter submits and cancels its own department's jobs only, a client with the
/// wrong certificate cannot connect, and a silo with an unreadable certificate or an unprotected public address refuses to start.
/// </summary>
public sealed class SecurityTests : IAsyncLifetime
{
    private const string AdminToken = "admin-token-0123456789abcdef";
    private const string ResearchToken = "research-token-0123456789abcdef";
    private const string VisionToken = "vision-token-0123456789abcdef";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "wpai-security-tests", Guid.NewGuid().ToString("N"));
    private readonly string _clusterId = "wpai-sec-" + Guid.NewGuid().ToString("N")[..8];
    private string _certificate = string.Empty;
    private int _gatewayPort;
    private WebApplication? _silo;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _certificate = TestCertificates.Create(_folder, "CN=wpai-test-cluster", "cluster.pfx");
        var ports = SiloFixture.FreePorts(3);
        _gatewayPort = ports[1];
        _silo = WpaiHost.Build(
            [
                .. Ports(ports),
                "--cluster-id", _clusterId,
                "--storage", "memory",
                "--Wpai:Tls:Enabled", "true",
                "--Wpai:Tls:CertificatePath", _certificate,
                "--Wpai:Tls:CertificatePassword", TestCertificates.Password,
                "--Wpai:Auth:AdminToken", AdminToken,
                "--Wpai:Auth:Submitters:research", ResearchToken,
                "--Wpai:Auth:Submitters:vision", VisionToken,
            ],
            builder => builder.Logging.ClearProviders());
        await _silo.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.StopAsync();
            await _silo.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Roles_AdminManages_SubmitterActsOnItsOwnDepartmentOnly()
    {
        // The admin registers the fleet and the quotas.
        await AssertOkAsync(AdminToken, "node", "add", "t4-a", "--pool", "T4", "--gpus", "8", "--cpu", "64", "--memory", "256Gi");
        await AssertOkAsync(AdminToken, "dept", "set-quota", "research", "T4=4");
        await AssertOkAsync(AdminToken, "dept", "set-quota", "vision", "T4=4");

        // Each submitter submits its own department's jobs.
        await AssertOkAsync(ResearchToken, "job", "submit", "r-1", "--dept", "research", "--gpus", "1", "--cpu", "1", "--memory", "1Gi", "--gpu-models", "T4", "--duration", "10h");
        await AssertOkAsync(VisionToken, "job", "submit", "v-1", "--dept", "vision", "--gpus", "1", "--cpu", "1", "--memory", "1Gi", "--gpu-models", "T4", "--duration", "10h");

        // research's token cannot submit for vision: refused, and no such job exists afterwards.
        var foreign = await WpaiAsync(ResearchToken, "job", "submit", "x-1", "--dept", "vision", "--gpus", "1", "--cpu", "1", "--memory", "1Gi", "--gpu-models", "T4", "--duration", "1h");
        Assert.Equal(ExitCodes.Denied, foreign.ExitCode);
        Assert.Contains("may submit only 'research' jobs", foreign.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, (await WpaiAsync(AdminToken, "job", "show", "x-1")).ExitCode);

        // ... nor cancel vision's job: refused, and the job is untouched.
        var cancel = await WpaiAsync(ResearchToken, "job", "cancel", "v-1");
        Assert.Equal(ExitCodes.Denied, cancel.ExitCode);
        Assert.Contains("job 'v-1' belongs to 'vision'", cancel.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Cancelled", (await WpaiAsync(AdminToken, "job", "show", "v-1")).Output, StringComparison.Ordinal);

        // ... nor change quotas or nodes: those need the admin.
        var quota = await WpaiAsync(ResearchToken, "dept", "set-quota", "research", "T4=8");
        Assert.Equal(ExitCodes.Denied, quota.ExitCode);
        Assert.Contains("needs the admin token", quota.Error, StringComparison.Ordinal);
        Assert.Matches(@"T4\s+4\s", (await WpaiAsync(AdminToken, "dept", "show", "research")).Output);
        Assert.Equal(ExitCodes.Denied, (await WpaiAsync(ResearchToken, "node", "add", "t4-b", "--pool", "T4", "--gpus", "8", "--cpu", "64", "--memory", "256Gi")).ExitCode);
        Assert.DoesNotContain("t4-b", (await WpaiAsync(AdminToken, "node", "list")).Output, StringComparison.Ordinal);

        // A submitter may read, and cancel its own department's job.
        Assert.Contains("v-1", (await WpaiAsync(ResearchToken, "job", "list")).Output, StringComparison.Ordinal);
        await AssertOkAsync(ResearchToken, "job", "cancel", "r-1");

        // No credential, or one the cluster does not know: refused.
        var anonymous = await WpaiAsync(null, "job", "list");
        Assert.Equal(ExitCodes.Denied, anonymous.ExitCode);
        Assert.Contains("carried none", anonymous.Error, StringComparison.Ordinal);
        var unknown = await WpaiAsync("not-a-token-of-this-cluster", "job", "list");
        Assert.Equal(ExitCodes.Denied, unknown.ExitCode);
        Assert.Contains("not a credential of this cluster", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_WithTheWrongCertificateOrNoTls_CannotConnect()
    {
        var rogue = TestCertificates.Create(_folder, "CN=wpai-test-rogue", "rogue.pfx");

        var wrong = await CliRun.RunAsync(new OrleansConnector(), ["node", "list", .. Target(AdminToken, rogue)]);
        var plain = await CliRun.RunAsync(new OrleansConnector(), ["node", "list", "--gateway", $"127.0.0.1:{_gatewayPort}", "--cluster-id", _clusterId, "--token", AdminToken]);

        Assert.True(wrong.ExitCode == ExitCodes.Unreachable, wrong.Error);
        Assert.True(plain.ExitCode == ExitCodes.Unreachable, plain.Error);
        Assert.Equal(ExitCodes.Success, (await WpaiAsync(AdminToken, "node", "list")).ExitCode);
    }

    [Fact]
    public void Silo_WithTlsAndAnUnreadableCertificate_RefusesToStart()
    {
        var garbage = Path.Combine(_folder, "garbage.pfx");
        File.WriteAllText(garbage, "not a certificate");

        var missing = Assert.Throws<WpaiValidationException>(() => BuildSilo("--Wpai:Tls:Enabled", "true", "--Wpai:Tls:CertificatePath", Path.Combine(_folder, "missing.pfx")));
        var unreadable = Assert.Throws<WpaiValidationException>(() => BuildSilo("--Wpai:Tls:Enabled", "true", "--Wpai:Tls:CertificatePath", garbage));
        var wrongPassword = Assert.Throws<WpaiValidationException>(() => BuildSilo("--Wpai:Tls:Enabled", "true", "--Wpai:Tls:CertificatePath", _certificate, "--Wpai:Tls:CertificatePassword", "wrong"));

        Assert.Contains("missing.pfx does not exist", missing.Message, StringComparison.Ordinal);
        Assert.Contains("garbage.pfx cannot be read", unreadable.Message, StringComparison.Ordinal);
        Assert.Contains("cluster.pfx cannot be read", wrongPassword.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_OnAPublicAddressWithoutProtection_RefusesUnlessInsecure_ThenWarnsAtStart()
    {
        var refused = Assert.Throws<WpaiValidationException>(() => BuildSilo("--dashboard-host", "0.0.0.0"));
        Assert.Equal("--dashboard-host", refused.Field);
        Assert.Contains("without authentication", refused.Reason, StringComparison.Ordinal);

        var logs = new ListLoggerProvider();
        await using var app = BuildSilo(logs, "--dashboard-host", "0.0.0.0", "--insecure");
        Assert.Contains(logs.Messages, m => m.StartsWith("INSECURE: --insecure: the dashboard would be served on 0.0.0.0", StringComparison.Ordinal));

        // With credentials on the dashboard, the same address needs no --insecure.
        await using var protectedApp = BuildSilo(new ListLoggerProvider(), "--dashboard-host", "0.0.0.0", "--Wpai:Dashboard:Username", "admin", "--Wpai:Dashboard:Password", "s3cret-password");
    }

    [Fact]
    public void NetworkExposure_GatewayOnAPublicAddress_NeedsTlsAndCredentials()
    {
        var options = new WpaiSiloOptions { AdvertisedAddress = "10.0.0.5" };
        var tls = new WPAI.Silo.Security.WpaiSiloTlsOptions { Enabled = true };
        var auth = new WPAI.Silo.Security.WpaiAuthOptions { AdminToken = AdminToken };
        var none = new WPAI.Silo.Security.WpaiSiloTlsOptions();
        var anonymous = new WPAI.Silo.Security.WpaiAuthOptions();

        var neither = Assert.Throws<WpaiValidationException>(() => WPAI.Silo.Security.NetworkExposure.Check(options, false, none, anonymous, insecure: false));
        var noAuth = Assert.Throws<WpaiValidationException>(() => WPAI.Silo.Security.NetworkExposure.Check(options, false, tls, anonymous, insecure: false));
        var noTls = Assert.Throws<WpaiValidationException>(() => WPAI.Silo.Security.NetworkExposure.Check(options, false, none, auth, insecure: false));

        Assert.Equal("--address", neither.Field);
        Assert.Contains("without TLS and without credentials", neither.Reason, StringComparison.Ordinal);
        Assert.Contains("without credentials", noAuth.Reason, StringComparison.Ordinal);
        Assert.Contains("without TLS", noTls.Reason, StringComparison.Ordinal);
        Assert.Empty(WPAI.Silo.Security.NetworkExposure.Check(options, false, tls, auth, insecure: false));
        Assert.Single(WPAI.Silo.Security.NetworkExposure.Check(options, false, none, anonymous, insecure: true));
        Assert.Empty(WPAI.Silo.Security.NetworkExposure.Check(new WpaiSiloOptions(), true, none, anonymous, insecure: false));
    }

    private WebApplication BuildSilo(params string[] extra) => BuildSilo(new ListLoggerProvider(), extra);

    private WebApplication BuildSilo(ListLoggerProvider logs, params string[] extra) =>
        WpaiHost.Build(
            [.. Ports(SiloFixture.FreePorts(3)), "--cluster-id", "wpai-sec-" + Guid.NewGuid().ToString("N")[..8], "--storage", "memory", .. extra],
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(logs);
            });

    private static string[] Ports(int[] ports) =>
    [
        "--silo-port", ports[0].ToString(CultureInfo.InvariantCulture),
        "--gateway-port", ports[1].ToString(CultureInfo.InvariantCulture),
        "--dashboard-port", ports[2].ToString(CultureInfo.InvariantCulture),
    ];

    private string[] Target(string? token, string certificate) =>
    [
        "--gateway", $"127.0.0.1:{_gatewayPort}", "--cluster-id", _clusterId,
        "--tls-certificate", certificate, "--tls-password", TestCertificates.Password,
        .. token is null ? Array.Empty<string>() : ["--token", token],
    ];

    private Task<CliRun> WpaiAsync(string? token, params string[] args) =>
        CliRun.RunAsync(new OrleansConnector(), [.. args, .. Target(token, _certificate)]);

    private async Task AssertOkAsync(string token, params string[] args)
    {
        var run = await WpaiAsync(token, args);
        Assert.True(run.ExitCode == ExitCodes.Success, $"wpai {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}");
    }

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _messages = new();

        public IReadOnlyCollection<string> Messages => _messages;

        public ILogger CreateLogger(string categoryName) => new ListLogger(_messages);

        public void Dispose()
        {
        }

        private sealed class ListLogger(System.Collections.Concurrent.ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    messages.Enqueue(formatter(state, exception));
                }
            }
        }
    }
}
