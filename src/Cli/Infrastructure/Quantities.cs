using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Validation;

namespace WPAI.Cli.Infrastructure;

/// <summary>
/// Parses command-line amounts. Every failure is a <see cref="WpaiValidationException"/> naming the option, the value,
/// and how to write it.
/// </summary>
public static partial class Quantities
{
    /// <summary>A whole number within bounds, e.g. <c>--gpus 4</c>.</summary>
    public static int ParseCount(string? text, string option, int min, string example, int max = int.MaxValue)
    {
        var value = Require(text, option, example);
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count))
        {
            if (value.TrimStart('+').Length > 0 && value.TrimStart('+').All(char.IsAsciiDigit))
            {
                throw TooLarge(option, value, max.ToString("N0", CultureInfo.InvariantCulture));
            }

            throw new WpaiValidationException(option, $"'{value}' is not a whole number", $"Write e.g. {option} {example}");
        }

        if (count > max)
        {
            throw TooLarge(option, value, max.ToString("N0", CultureInfo.InvariantCulture));
        }

        if (count < min)
        {
            throw new WpaiValidationException(option, $"{count} is below {min}", $"Write e.g. {option} {example}");
        }

        return count;
    }

    private static WpaiValidationException TooLarge(string option, string value, string max) =>
        new(option, $"'{value}' is too large (max {max})", $"Write at most {option} {max.Replace(",", string.Empty, StringComparison.Ordinal)}");

    /// <summary>CPU as cores (<c>8</c>, <c>0.5</c>) or millicores (<c>500m</c>), returned in millicores; must be positive.</summary>
    public static int ParseCpuMilli(string? text, string option = "--cpu")
    {
        var value = Require(text, option, "8");
        double milli;
        if (value.EndsWith('m'))
        {
            if (!double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out milli))
            {
                throw BadCpu(value, option);
            }
        }
        else if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var cores))
        {
            milli = cores * 1000;
        }
        else
        {
            throw BadCpu(value, option);
        }

        if (milli > Validate.MaxCpuMilli)
        {
            throw TooLarge(option, value, $"{Validate.MaxCpuMilli / 1000} cores");
        }

        if (double.IsNaN(milli) || milli < 1 || Math.Abs(milli - Math.Round(milli)) > 1e-6)
        {
            throw new WpaiValidationException(option, $"'{value}' is not a positive CPU amount in whole millicores", "Write cores (8, 0.5) or millicores (500m)");
        }

        return (int)Math.Round(milli);
    }

    /// <summary>Memory as <c>32Gi</c>, <c>512Mi</c>, <c>1Ti</c> (G/M/T and GiB/MiB/TiB too) or plain MiB, returned in MiB; must be positive.</summary>
    public static long ParseMemoryMib(string? text, string option = "--memory")
    {
        var value = Require(text, option, "32Gi");
        var match = MemoryPattern().Match(value);
        if (!match.Success || !double.TryParse(match.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            throw new WpaiValidationException(option, $"'{value}' is not a memory amount", "Write e.g. 32Gi, 512Mi or 1Ti (a plain number means MiB)");
        }

        var unit = match.Groups["u"].Value.ToUpperInvariant();
        var factor = unit switch
        {
            "" or "M" or "MI" or "MIB" => 1d,
            "G" or "GI" or "GIB" => 1024d,
            _ => 1024d * 1024d,
        };
        var mib = amount * factor;
        if (mib > Validate.MaxMemoryMib)
        {
            throw TooLarge(option, value, $"{Validate.MaxMemoryMib / (1024 * 1024)}Ti");
        }

        if (mib < 1 || Math.Abs(mib - Math.Round(mib)) > 1e-6)
        {
            throw new WpaiValidationException(option, $"'{value}' is not a positive amount of whole MiB", "Write e.g. 32Gi or 512Mi");
        }

        return (long)Math.Round(mib);
    }

    /// <summary>A finite number, e.g. <c>--offered-load 0.9</c>; ranges are checked where the value is used.</summary>
    public static double ParseNumber(string text, string option, string example)
    {
        var value = Require(text, option, example);
        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : throw new WpaiValidationException(option, $"'{value}' is not a number", $"Write e.g. {option} {example}");
    }

    /// <summary>A comma-separated list of numbers, e.g. <c>--sweep-load 0.5,0.7,0.9</c>.</summary>
    public static ImmutableArray<double> ParseNumbers(string text, string option, string example)
    {
        var value = Require(text, option, example);
        return [.. value.Split(',', StringSplitOptions.TrimEntries).Select(v => v.Length == 0
            ? throw new WpaiValidationException(option, $"'{value}' has an empty entry", $"Separate numbers with single commas, e.g. {option} {example}")
            : ParseNumber(v, option, example))];
    }

    /// <summary>A comma-separated list of names (e.g. <c>T4,P40</c>), in order, without blanks or repeats.</summary>
    public static ImmutableArray<string> ParseNames(string? text, string option, string example)
    {
        var value = Require(text, option, example);
        var names = value.Split(',', StringSplitOptions.TrimEntries);
        if (names.Any(n => n.Length == 0))
        {
            throw new WpaiValidationException(option, $"'{value}' has an empty name", $"Separate names with single commas, e.g. {option} {example}");
        }

        var repeated = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw new WpaiValidationException(option, $"'{repeated.Key}' is named twice", $"Name each once, in order of preference, e.g. {option} {example}");
        }

        return [.. names];
    }

    /// <summary>A fraction from 0 to 1 (e.g. <c>--gpu-util 0.4</c>).</summary>
    public static double ParseFraction(string text, string option)
    {
        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var fraction) || double.IsNaN(fraction) || fraction < 0 || fraction > 1)
        {
            throw new WpaiValidationException(option, $"'{text}' is not a fraction from 0 to 1", $"Write e.g. {option} 0.4");
        }

        return fraction;
    }

    /// <summary>A node mode by name, case and dashes ignored (<c>fixed</c>, <c>offline-normal</c>).</summary>
    public static NodeMode ParseMode(string text, string option = "--mode") => ParseEnum<NodeMode>(text, option);

    /// <summary>A job status by name, case ignored (<c>pending</c>, <c>running</c>).</summary>
    public static JobStatus ParseStatus(string text, string option = "--status") => ParseEnum<JobStatus>(text, option);

    private static T ParseEnum<T>(string text, string option)
        where T : struct, Enum
    {
        var wanted = text.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).Trim();
        foreach (var value in Enum.GetValues<T>())
        {
            if (string.Equals(value.ToString(), wanted, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        var names = string.Join(", ", Enum.GetNames<T>().Select(Kebab));
        throw new WpaiValidationException(option, $"'{text}' is not one of {names}", $"Write e.g. {option} {Kebab(Enum.GetNames<T>()[0])}");
    }

    /// <summary><c>OfflineNormal</c> → <c>offline-normal</c>.</summary>
    public static string Kebab(string name) => KebabPattern().Replace(name, "$1-$2").ToLowerInvariant();

    private static string Require(string? text, string option, string example)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new WpaiValidationException(option, "is required", $"Add e.g. {option} {example}");
        }

        return text.Trim();
    }

    private static WpaiValidationException BadCpu(string value, string option) =>
        new(option, $"'{value}' is not a CPU amount", "Write cores (8, 0.5) or millicores (500m)");

    [GeneratedRegex(@"^(?<n>[0-9]+(\.[0-9]+)?)\s*(?<u>(Mi|Gi|Ti|MiB|GiB|TiB|M|G|T)?)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MemoryPattern();

    [GeneratedRegex("([a-z])([A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex KebabPattern();
}
