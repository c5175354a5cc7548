using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Commands.Db;

public sealed class DbInitSettings : CommandSettings
{
    [CommandOption("--connection <CONNECTION>")]
    [Description("Npgsql connection string: Host=…;Port=…;Database=…;Username=…;Password=…")]
    public string? Connection { get; set; }

    [CommandOption("--output <FORMAT>")]
    [Description("table (default) or json")]
    public string? Output { get; set; }

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Connection))
        {
            return ValidationResult.Error("--connection: is required. Give the Npgsql connection string, e.g. --connection \"Host=127.0.0.1;Port=5432;Database=wpai;Username=wpai;Password=…\"");
        }

        return Output is null or "table" or "json"
            ? ValidationResult.Success()
            : ValidationResult.Error($"--output: '{Output}' is not a format. Use table or json.");
    }

    public bool Json => string.Equals(Output, "json", StringComparison.Ordinal);

}
