using WPAI.Abstractions.Errors;

namespace WPAI.Cli.Commands.Service;

/// <summary>Reads <c>--models DIR</c>: an existing model repository folder holding the service's model, made absolute.</summary>
public static class ModelRepositoryOption
{
    public static string? Resolve(string? directory, string model)
    {
        if (directory is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(directory) || !Directory.Exists(directory))
        {
            throw new WpaiValidationException("--models", $"'{directory}' is not a folder", "Name the model repository folder, laid out as DIR/MODEL/VERSION/model.onnx.");
        }

        var full = Path.GetFullPath(directory);
        if (!Directory.Exists(Path.Combine(full, model)))
        {
            throw new WpaiValidationException("--models", $"{full} has no folder for model '{model}'", $"Put the model at {Path.Combine(full, model, "1", "model.onnx")}, or name the model the folder holds with --model.");
        }

        return full;
    }
}
