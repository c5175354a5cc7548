using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Commands.Doctor;

public sealed class DoctorSettings : WpaiSettings
{
    [CommandOption("--connection <CONNECTION>")]
    [Description("The cluster's PostgreSQL connection string: checks the database and schema version, and finds the gateways in the membership table unless --gateway is given")]
    public string? Connection { get; set; }

    [CommandOption("--max-skew <DURATION>")]
    [Description("Clock skew between silos that is still fine, as hh:mm:ss(.fff) (default 00:00:01); more warns, ten times more fails")]
    public string? MaxSkew { get; set; }

    /// <summary>The parsed <c>--max-skew</c>.</summary>
    public TimeSpan MaxSkewValue => MaxSkew is null
        ? DoctorRules.DefaultMaxSkew
        : TimeSpan.Parse(MaxSkew, CultureInfo.InvariantCulture);

    protected override void ValidateOptions()
    {
        if (MaxSkew is not null && (!TimeSpan.TryParse(MaxSkew, CultureInfo.InvariantCulture, out var skew) || skew <= TimeSpan.Zero))
        {
            throw new WpaiValidationException("--max-skew", $"'{MaxSkew}' is not a positive duration", "Give it as hh:mm:ss(.fff), e.g. 00:00:01 or 00:00:00.500");
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
