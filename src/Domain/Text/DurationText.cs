using System.Globalization;
using System.Text.RegularExpressions;

namespace WPAI.Domain.Text;

/// <summary>
/// The one grammar for durations on every command line and in every simulation option: units in the order
/// <c>d h m s</c>, each optional and decimal (<c>2h</c>, <c>90m</c>, <c>1h30m</c>, <c>45s</c>, <c>7d</c>, <c>1.5h</c>),
/// or a <see cref="TimeSpan"/> with colons (<c>01:30:00</c>, <c>1.00:00:00</c>). A bare number is not a duration
/// (its unit would be a guess); where zero is allowed, <c>0</c> alone means zero. Every failure is a
/// <see cref="WpaiValidationException"/> naming the option, the value and how to write it.
/// </summary>
public static partial class DurationText
{
    private static readonly (string Group, TimeSpan Unit)[] Units =
        [("d", TimeSpan.FromDays(1)), ("h", TimeSpan.FromHours(1)), ("m", TimeSpan.FromMinutes(1)), ("s", TimeSpan.FromSeconds(1))];

    /// <summary>Parses a positive duration (or, with <paramref name="allowZero"/>, a duration that is not negative).</summary>
    public static TimeSpan Parse(string? text, string option, bool allowZero = false)
    {
        ArgumentNullException.ThrowIfNull(option);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new WpaiValidationException(option, "is required", $"Add e.g. {option} 2h");
        }

        var value = text.Trim();
        if (!TryParse(value, out var duration))
        {
            throw new WpaiValidationException(option, $"'{value}' is not a duration", "Write e.g. 2h, 90m, 1h30m, 45s or 01:30:00");
        }

        if (duration < TimeSpan.Zero || (duration == TimeSpan.Zero && !allowZero))
        {
            throw new WpaiValidationException(
                option,
                allowZero ? $"'{value}' is negative" : $"'{value}' is not a positive duration",
                allowZero ? "Write 0 or e.g. 2h, 90m or 1h30m" : "Write e.g. 2h, 90m or 1h30m");
        }

        return duration;
    }

    /// <summary>Reads <paramref name="text"/> in the grammar above; false when it is not a duration. The sign is not checked.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var value = text?.Trim() ?? string.Empty;
        if (value.Length == 0)
        {
            return false;
        }

        if (value == "0")
        {
            return true;
        }

        if (value.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out duration);
        }

        var match = UnitsPattern().Match(value);
        if (!match.Success)
        {
            return false;
        }

        var ticks = 0d;
        foreach (var (group, unit) in Units)
        {
            if (match.Groups[group].Success)
            {
                ticks += double.Parse(match.Groups[group].Value, NumberStyles.Float, CultureInfo.InvariantCulture) * unit.Ticks;
            }
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)Math.Round(ticks));
        return true;
    }

    // At least one unit; each number is digits with an optional decimal part.
    [GeneratedRegex(@"^(?=.)((?<d>[0-9]+(\.[0-9]+)?)d)?((?<h>[0-9]+(\.[0-9]+)?)h)?((?<m>[0-9]+(\.[0-9]+)?)m)?((?<s>[0-9]+(\.[0-9]+)?)s)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UnitsPattern();
}
