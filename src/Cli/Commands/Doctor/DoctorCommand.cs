using Spectre.Console;
using Spectre.Console.Cli;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;
using WPAI.Client;
using WPAI.Silo.Storage;

namespace WPAI.Cli.Commands.Doctor;

/// <summary>
/// Runs the checks and prints one line each (<c>PASS</c>/<c>WARN</c>/<c>FAIL</c>, what, what was found and the fix),
/// then a summary. Exit code 0 when nothing failed (warnings allowed), <see cref="ExitFailed"/> otherwise.
/// </summary>
public sealed class DoctorCommand(IAnsiConsole console, IWpaiConnector connector) : AsyncCommand<DoctorSettings>
{
    /// <summary>The exit code when at least one check failed.</summary>
    public const int ExitFailed = 4;

    public override async Task<int> ExecuteAsync(CommandContext context, DoctorSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var checks = new List<DoctorCheck>();
        if (settings.Connection is { } connection)
        {
            try
            {
                var schema = await DatabaseInitializer.ReadStatusAsync(connection, cancellationToken);
                checks.Add(DoctorRules.Database(schema));
                checks.Add(DoctorRules.Schema(schema));
            }
            catch (InvalidOperationException ex)
            {
                checks.Add(new DoctorCheck("database", DoctorVerdict.Fail, ex.Message));
                checks.Add(new DoctorCheck("schema", DoctorVerdict.Fail, "not checked: the database cannot be reached"));
            }
        }

        var options = settings.ToClientOptions();
        if (settings.Connection is { } clustering && settings.Gateways.Length == 0)
        {
            options.ClusteringConnection = clustering;
        }

        var target = options.ClusteringConnection is { } db
            ? "the gateways in the membership table of " + StorageFailures.Describe(db)
            : string.Join(", ", options.EffectiveGateways);
        try
        {
            await using var session = await connector.ConnectAsync(options, cancellationToken);
            var status = await session.Client.GetClusterStatusAsync(cancellationToken);
            checks.Add(new DoctorCheck("gateway", DoctorVerdict.Pass, $"connected through {target}, cluster '{options.ClusterId}'"));
            checks.Add(DoctorRules.Membership(status, TimeProvider.System.GetUtcNow()));
            checks.Add(DoctorRules.ClockSkew(status, settings.MaxSkewValue));
            checks.Add(DoctorRules.Runs(await session.Client.GetRunHealthAsync(cancellationToken)));
        }
        catch (Exception ex) when (WpaiConnectionException.IsConnectionFailure(ex) || StorageFailures.IsDatabaseUnavailable(ex))
        {
            checks.Add(new DoctorCheck("gateway", DoctorVerdict.Fail, $"{OneLine(ex.Message)}. Start a silo with --cluster-id {options.ClusterId}, or check {(options.ClusteringConnection is null ? "--gateway" : "--connection")} and --cluster-id"));
            checks.Add(new DoctorCheck("membership", DoctorVerdict.Fail, "not checked: no silo reachable"));
            checks.Add(new DoctorCheck("clock skew", DoctorVerdict.Fail, "not checked: no silo reachable"));
            checks.Add(new DoctorCheck("runs", DoctorVerdict.Fail, "not checked: no silo reachable"));
        }

        var report = new DoctorReport([.. checks]);
        if (settings.Format == OutputFormat.Json)
        {
            JsonOutput.Write(console, report);
        }
        else
        {
            Render(console, report);
        }

        return report.Verdict == DoctorVerdict.Fail ? ExitFailed : ExitCodes.Success;
    }

    private static void Render(IAnsiConsole console, DoctorReport report)
    {
        var writer = console.Profile.Out.Writer;
        foreach (var check in report.Checks)
        {
            writer.WriteLine($"{check.Verdict.ToString().ToUpperInvariant(),-4}  {check.Check,-11} {check.Detail}");
        }

        var passed = report.Checks.Count(c => c.Verdict == DoctorVerdict.Pass);
        var warned = report.Checks.Count(c => c.Verdict == DoctorVerdict.Warn);
        var failed = report.Checks.Count(c => c.Verdict == DoctorVerdict.Fail);
        writer.WriteLine($"doctor: {passed} passed, {warned} warning{(warned == 1 ? string.Empty : "s")}, {failed} failed");
        writer.Flush();
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');
}
