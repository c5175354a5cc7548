using System.Net;
using WPAI.Abstractions.Errors;
using WPAI.Silo.Hosting;

namespace WPAI.Silo.Security;

/// <summary>
/// Refuses to expose the cluster unprotected: a gateway on a non-loopback address needs TLS and credentials, the
/// dashboard and console on a non-loopback address need a username and password — unless <c>--insecure</c> is given, which
/// turns each refusal into a warning logged at every start.
/// </summary>
public static class NetworkExposure
{
    /// <summary>Throws <see cref="WpaiValidationException"/> for an unprotected exposure; returns the warnings to log when <paramref name="insecure"/>.</summary>
    public static IReadOnlyList<string> Check(WpaiSiloOptions options, bool localhostClustering, WpaiSiloTlsOptions tls, WpaiAuthOptions auth, bool insecure)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tls);
        ArgumentNullException.ThrowIfNull(auth);
        var problems = new List<(string Field, string Reason, string Fix)>();
        if (!localhostClustering && !IsLoopback(options.AdvertisedAddress))
        {
            var missing = (tls.Enabled, auth.Enabled) switch
            {
                (false, false) => "without TLS and without credentials",
                (false, true) => "without TLS",
                (true, false) => "without credentials",
                _ => null,
            };
            if (missing is not null)
            {
                problems.Add((
                    "--address",
                    $"the gateway and silo port would listen on {options.AdvertisedAddress} {missing}: anyone who reaches it could submit, cancel and change quotas",
                    "Configure Wpai:Tls (Enabled, CertificatePath) and Wpai:Auth:AdminToken (see README, Security), or pass --insecure on a trusted network"));
            }
        }

        if ((options.Dashboard.Enabled || options.Dashboard.Console) && !IsLoopback(options.Dashboard.Host) && string.IsNullOrEmpty(options.Dashboard.Username) && !auth.Enabled)
        {
            problems.Add((
                "--dashboard-host",
                $"the dashboard would be served on {options.Dashboard.Host} without authentication (and the console, which can submit and cancel jobs)",
                "Set Wpai:Dashboard:Username and Wpai:Dashboard:Password (or Wpai:Auth tokens: its pages then take them as passwords), keep it on 127.0.0.1, or pass --insecure on a trusted network"));
        }

        if (problems.Count > 0 && !insecure)
        {
            var (field, reason, fix) = problems[0];
            throw new WpaiValidationException(field, reason, fix);
        }

        return [.. problems.Select(p => $"--insecure: {p.Reason}")];
    }

    public static bool IsLoopback(string address) => IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip);
}
