using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using WPAI.Abstractions.Errors;
using WPAI.Client;

namespace WPAI.Cli.Infrastructure;

/// <summary>The options every cluster command takes: where the cluster is and how to print.</summary>
public class WpaiSettings : CommandSettings
{
    [CommandOption("-g|--gateway <HOST:PORT>")]
    [Description("Silo gateway as host:port (repeat, or separate with commas, for several). Default: 127.0.0.1:30000")]
    public string[] Gateways { get; set; } = [];

    [CommandOption("--cluster-id <ID>")]
    [Description("Orleans cluster id of the silos. Default: wpai-local")]
    public string? ClusterId { get; set; }

    [CommandOption("--token <TOKEN>")]
    [Description("Credential for a cluster that requires one (the admin or your department's submitter token). Default: $WPAI_TOKEN")]
    public string? Token { get; set; }

    [CommandOption("--tls-certificate <FILE>")]
    [Description("Connect over TLS with this client certificate (.pfx/.p12, or .pem with --tls-key). Default: $WPAI_TLS_CERTIFICATE")]
    public string? TlsCertificate { get; set; }

    [CommandOption("--tls-key <FILE>")]
    [Description("The PEM private key of a .pem --tls-certificate")]
    public string? TlsKey { get; set; }

    [CommandOption("--tls-password <PASSWORD>")]
    [Description("The password of a .pfx --tls-certificate. Default: $WPAI_TLS_PASSWORD")]
    public string? TlsPassword { get; set; }

    [CommandOption("--tls-trust <FILE>")]
    [Description("A gateway certificate to accept besides the client's own (repeat for several)")]
    public string[] TlsTrust { get; set; } = [];

    [CommandOption("-o|--output <FORMAT>")]
    [Description("table (default) or json")]
    public string? Output { get; set; }

    /// <summary>The parsed <c>--output</c>.</summary>
    public OutputFormat Format => ParseOutput(Output);

    /// <summary>The client options these settings describe.</summary>
    public WpaiClientOptions ToClientOptions()
    {
        var options = new WpaiClientOptions();
        foreach (var gateway in SplitGateways())
        {
            options.Gateways.Add(gateway);
        }

        if (!string.IsNullOrWhiteSpace(ClusterId))
        {
            options.ClusterId = ClusterId.Trim();
        }

        options.Token = Token ?? NonEmpty(Environment.GetEnvironmentVariable("WPAI_TOKEN"));
        var certificate = TlsCertificate ?? NonEmpty(Environment.GetEnvironmentVariable("WPAI_TLS_CERTIFICATE"));
        if (certificate is not null)
        {
            options.Tls.Enabled = true;
            options.Tls.CertificatePath = certificate;
            options.Tls.PrivateKeyPath = TlsKey;
            options.Tls.CertificatePassword = TlsPassword ?? NonEmpty(Environment.GetEnvironmentVariable("WPAI_TLS_PASSWORD"));
            foreach (var trusted in TlsTrust)
            {
                options.Tls.TrustedCertificatePaths.Add(trusted);
            }
        }

        return options;
    }

    public sealed override ValidationResult Validate()
    {
        try
        {
            _ = Format;
            foreach (var gateway in SplitGateways())
            {
                if (!GatewayEndpoint.TryParse(gateway, out _, out var error))
                {
                    throw new WpaiValidationException("--gateway", error, null);
                }
            }

            if (ClusterId is not null && string.IsNullOrWhiteSpace(ClusterId))
            {
                throw new WpaiValidationException("--cluster-id", "is empty", "Leave it out for the local cluster (wpai-local)");
            }

            if ((TlsKey is not null || TlsTrust.Length > 0) && TlsCertificate is null)
            {
                throw new WpaiValidationException("--tls-certificate", "is required with --tls-key and --tls-trust", "Give the client certificate, e.g. --tls-certificate cluster.pfx");
            }

            ValidateOptions();
            return ValidationResult.Success();
        }
        catch (WpaiValidationException ex)
        {
            return ValidationResult.Error(CliErrors.Describe(ex).Message);
        }
    }

    /// <summary>Checks the command's own options; throws <see cref="WpaiValidationException"/> naming the option.</summary>
    protected virtual void ValidateOptions()
    {
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
    /// <summary>
    /// Receives the arguments after <c>--</c> before the command connects (a job's command line); checks them and throws
    /// <see cref="WpaiValidationException"/> when the command takes none or they are bad.
    /// </summary>
    protected internal virtual void AcceptRemaining(IReadOnlyList<string> raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (raw.Count > 0)
        {
            throw new WpaiValidationException("--", $"this command takes no arguments after '--' (got '{raw[0]}')", "Remove them; only job submit runs a command given after '--'.");
        }
    }

    private IEnumerable<string> SplitGateways() =>
        Gateways.SelectMany(g => g.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    private static OutputFormat ParseOutput(string? output) => output?.Trim().ToLowerInvariant() switch
    {
        null or "" or "table" => OutputFormat.Table,
        "json" => OutputFormat.Json,
        _ => throw new WpaiValidationException("--output", $"'{output}' is not an output format", "Use --output table or --output json"),
    };
}
