using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Commands.Service;

public sealed class ServiceScaleSettings : WpaiSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("Service name")]
    public string Name { get; set; } = string.Empty;

    [CommandArgument(1, "<REPLICAS>")]
    [Description("The replica count to hold")]
    public string Replicas { get; set; } = string.Empty;

    [CommandOption("--reason <TEXT>")]
    [Description("Why the count is overridden (recorded with the decision)")]
    public string? Reason { get; set; }

    public int ReplicaCount => Quantities.ParseCount(Replicas, "REPLICAS", 0, "4");

    protected override void ValidateOptions()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new WpaiValidationException("NAME", "is empty", "Name the service.");
        }

        _ = ReplicaCount;
        if (string.IsNullOrWhiteSpace(Reason))
        {
            throw new WpaiValidationException("--reason", "is required", "Say why, e.g. --reason \"load test\"");
        }
    }
}
