using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using WPAI.Cli.Infrastructure;
using WPAI.Silo.Storage;

namespace WPAI.Cli.Commands.Db;

/// <summary>Runs <see cref="DatabaseInitializer"/>: needs no running silo, only the database.</summary>
public sealed class DbInitCommand(IAnsiConsole console) : AsyncCommand<DbInitSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DbInitSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        SchemaReport report;
        try
        {
            report = await DatabaseInitializer.InitializeAsync(settings.Connection!, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            console.Profile.Out.Writer.WriteLine($"error: database: {ex.Message}");
            return 3;
        }

        if (settings.Json)
        {
            JsonOutput.Write(console, report);
            return 0;
        }

        var applied = report.AppliedScripts.Count == 0 ? "none (already current)" : string.Join(", ", report.AppliedScripts);
        console.Profile.Out.Writer.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Database {report.Database} on PostgreSQL {report.ServerVersion}: schema version {report.Version} (was {report.PreviousVersion}, latest {report.LatestVersion}); scripts applied: {applied}."));
        return 0;
    }
}
