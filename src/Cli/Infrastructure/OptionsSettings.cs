using Spectre.Console;
using Spectre.Console.Cli;
using WPAI.Abstractions.Errors;

namespace WPAI.Cli.Infrastructure;

/// <summary>
/// Settings of a command that runs in-process on an options record (the simulations): <see cref="ToOptions"/> parses and
/// checks every option, so a bad one fails validation with one line naming it (exit 2) before anything runs.
/// </summary>
public abstract class OptionsSettings<TOptions> : CommandSettings
{
    /// <summary>The options record these settings describe; throws <see cref="WpaiValidationException"/> naming the option at fault.</summary>
    public abstract TOptions ToOptions();

    public sealed override ValidationResult Validate()
    {
        try
        {
            _ = ToOptions();
            return ValidationResult.Success();
        }
        catch (WpaiValidationException ex)
        {
            return ValidationResult.Error(ex.Message);
        }
    }
}
