using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;
using WPAI.Domain.Text;

namespace WPAI.Cli.Commands.Doctor;

public sealed class DoctorSettings : WpaiSettings
{
    [CommandOption("--connection <CONNECTION>")]
    [Description("The cluster's PostgreSQL connection string: checks the database and schema version, and finds the gateways in the membership table unless --gateway is given")]
    public string? Connection { get; set; }

    [CommandOption("--max-skew <DURATION>")]
    [Description("Clock skew between silos that is still fine, e.g. 1s, 0.5s or 00:00:00.500 (default 1s); more warns, ten times more fails")]
    public string? MaxSkew { get; set; }

    /// <summary>The parsed <c>--max-skew</c>.</summary>
    public TimeSpan MaxSkewValue => MaxSkew is null
        ? DoctorRules.DefaultMaxSkew
        : DurationText.Parse(MaxSkew, "--max-skew");

    protected override void ValidateOptions()
    {
        if (MaxSkew is not null)
        {
            _ = DurationText.Parse(MaxSkew, "--max-skew");
        }

        if (Connection is not null)
        {
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(Connection);
            }
            catch (ArgumentException ex)
            {
                throw new WpaiValidationException("--connection", "is not a valid Npgsql connection string: " + ex.Message, "Use key=value pairs separated by ';', e.g. Host=127.0.0.1;Port=5432;Database=wpai;Username=wpai");
            }
        }
    }
}
