using System.ComponentModel;
using Spectre.Console.Cli;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;

namespace WPAI.Cli.Commands.Service;

public sealed class ServiceUpdateSettings : WpaiSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("Service name")]
    public string Name { get; set; } = string.Empty;

    [CommandOption("--models <DIR>")]
    [Description("The new model repository folder (DIR/MODEL/VERSION/model.onnx), rolled out one replica at a time")]
    public string? Models { get; set; }

    [CommandOption("--model <MODEL>")]
    [Description("The model the service serves (checked to exist in DIR; default: the service's model)")]
    public string? Model { get; set; }

    /// <summary>The absolute repository path, checked here for the model folder.</summary>
    public string Repository(string model) =>
        ModelRepositoryOption.Resolve(Models, model) ?? throw new WpaiValidationException("--models", "is required", "Name the new model repository folder, e.g. --models ./models-v2");

    protected override void ValidateOptions()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new WpaiValidationException("NAME", "is empty", "Name the service.");
        }

        if (string.IsNullOrWhiteSpace(Models))
        {
            throw new WpaiValidationException("--models", "is required", "Name the new model repository folder, e.g. --models ./models-v2");
        }
    }
}
