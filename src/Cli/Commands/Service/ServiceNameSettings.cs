using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Commands.Service;

public sealed class ServiceNameSettings : WpaiSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("Service name")]
    public string Name { get; set; } = string.Empty;

    protected override void ValidateOptions()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new WpaiValidationException("NAME", "is empty", "Name the service.");
        }
    }
}
