using System.Text.Json;

namespace WPAI.Domain.Validation;

/// <summary>
/// Which properties of two specs differ, compared by value (lists and nested records included), so that a repeated
/// id with another spec is refused naming what differs, while the identical spec stays idempotent. Properties added
/// to a spec later are compared without a change here.
/// </summary>
public static class SpecDifferences
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The camelCase names of the properties whose values differ (computed ones such as <c>request</c> left out).</summary>
    public static IReadOnlyList<string> Of(JobSpec existing, JobSpec submitted)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(submitted);
        var before = JsonSerializer.SerializeToElement(Normalized(existing), Json);
        var after = JsonSerializer.SerializeToElement(Normalized(submitted), Json);
        var differing = new List<string>();
        foreach (var property in before.EnumerateObject())
        {
            if (property.Name == "request")
            {
                continue;
            }

            if (!after.TryGetProperty(property.Name, out var other) || !JsonElement.DeepEquals(property.Value, other))
            {
                differing.Add(property.Name);
            }
        }

        return differing;
    }

    /// <summary>A spec without a command has a default (not empty) argv; both mean "nothing to run".</summary>
    private static JobSpec Normalized(JobSpec spec) => spec.Command.IsDefault ? spec with { Command = [] } : spec;
}
