namespace WPAI.Kubernetes.Tests;

/// <summary>
/// The equality-based label selectors of the Kubernetes API (<c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a</c>, <c>!a</c>,
/// comma-separated, all must hold), for the stand-in API server. Set-based selectors (<c>in (…)</c>) are refused.
/// </summary>
public sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _terms = [];

    private LabelSelector()
    {
    }

    public static LabelSelector Parse(string? text)
    {
        var selector = new LabelSelector();
        foreach (var raw in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (raw.Contains(" in ", StringComparison.Ordinal) || raw.Contains(" notin ", StringComparison.Ordinal))
            {
                throw new FormatException($"set-based selector '{raw}' is not supported by the stand-in");
            }

            if (raw.Split("!=", 2) is [var nk, var nv])
            {
                selector._terms.Add(l => !l.TryGetValue(nk.Trim(), out var v) || v != nv.Trim());
            }
            else if (raw.Split('=', 2) is [var ek, var ev])
            {
                var (k, value) = (ek.Trim(), ev.TrimStart('=').Trim());
                selector._terms.Add(l => l.TryGetValue(k, out var v) && v == value);
            }
            else if (raw.StartsWith('!'))
            {
                var key = raw[1..].Trim();
                selector._terms.Add(l => !l.ContainsKey(key));
            }
            else
            {
                selector._terms.Add(l => l.ContainsKey(raw));
            }
        }

        return selector;
    }

    public bool Matches(JsonObject obj)
    {
        var labels = (obj["metadata"]?["labels"] as JsonObject)?.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? string.Empty, StringComparer.Ordinal)
            ?? new Dictionary<string, string>(StringComparer.Ordinal);
        return _terms.All(t => t(labels));
    }
}
