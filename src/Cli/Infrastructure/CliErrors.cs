using Microsoft.Extensions.Options;
using Spectre.Console;
using Spectre.Console.Cli;
using WPAI.Abstractions.Errors;
using WPAI.Client;
using WPAI.Domain.Validation;
using WPAI.Inference.Models;
using WPAI.Inference.Tools;
using WPAI.Simulation.Inference;

namespace WPAI.Cli.Infrastructure;

/// <summary>Turns any failure into one clear line on the error console and an exit code (see <see cref="ExitCodes"/>).</summary>
public static class CliErrors
{
    /// <summary>What to do when no silo answers.</summary>
    public const string StartSiloHint =
        "Start one with `dotnet run --project src/Silo` (it listens on 127.0.0.1:30000), or point --gateway at a running silo.";

    public static int Report(IAnsiConsole error, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(error);
        var (code, message) = Describe(exception);
        error.Profile.Out.Writer.WriteLine("error: " + message);
        error.Profile.Out.Writer.Flush();
        return code;
    }

    /// <summary>The exit code and the one-line message for <paramref name="exception"/>.</summary>
    public static (int Code, string Message) Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var inner = Unwrap(exception);
        return inner switch
        {
            WpaiValidationException validation => (ExitCodes.BadInput, OneLine(AsTyped(validation))),
            WpaiNotFoundException notFound => (ExitCodes.BadInput, OneLine(notFound.Message)),
            WpaiAccessDeniedException denied => (ExitCodes.Denied, OneLine(denied.Message)),
            LoadFileException or ModelToolException or ModelConfigException => (ExitCodes.BadInput, OneLine(inner.Message)),
            OptionsValidationException options => (ExitCodes.BadInput, OneLine("invalid client settings: " + string.Join("; ", options.Failures))),
            CommandParseException parse => (ExitCodes.BadInput, OneLine($"{parse.Message} Run with --help for usage.")),
            CommandAppException app => (ExitCodes.BadInput, OneLine(app.Message)),
            WpaiConnectionException connection => (ExitCodes.Unreachable, OneLine($"{connection.Message}. {StartSiloHint}")),
            _ when WpaiConnectionException.IsConnectionFailure(inner) =>
                (ExitCodes.Unreachable, OneLine($"lost the connection to the WPAI cluster ({inner.Message}). {StartSiloHint}")),
            _ => (ExitCodes.Unexpected, OneLine($"unexpected {inner.GetType().Name}: {inner.Message}")),
        };
    }

    private static Exception Unwrap(Exception exception)
    {
        var current = exception;
        while (current is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            current = aggregate.InnerExceptions[0];
        }

        return current;
    }

    /// <summary>The refusal with its field named as the user typed it (<c>--gpus</c>, not <c>spec.gpus</c>).</summary>
    private static string AsTyped(WpaiValidationException validation) =>
        validation.Fix is null
            ? $"{FieldNames.AsTyped(validation.Field)}: {validation.Reason}"
            : $"{FieldNames.AsTyped(validation.Field)}: {validation.Reason}. {validation.Fix}";

    /// <summary>One line, with control characters escaped (a value with ESC or BEL never reaches the terminal raw).</summary>
    private static string OneLine(string text) =>
        Validate.Printable(string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)), int.MaxValue);
}
