using System.Globalization;
using System.Reflection;

namespace WPAI.Silo.Storage;

/// <summary>
/// The SQL scripts under <c>deploy/sql/&lt;dialect&gt;/</c>, embedded in this assembly as
/// <c>WPAI.Sql.&lt;dialect&gt;.NNN-name.sql</c>, in file-name order.
/// </summary>
internal static class EmbeddedSql
{
    /// <summary>One numbered script: <c>NNN-name.sql</c> has <see cref="Version"/> NNN.</summary>
    internal sealed record Script(int Version, string Name, string Text);

    public static IReadOnlyList<Script> Load(string dialect)
    {
        var assembly = typeof(EmbeddedSql).Assembly;
        var prefix = "WPAI.Sql." + dialect + ".";
        var scripts = new List<Script>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = resource[prefix.Length..];
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(name.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException(
                    $"deploy/sql/{dialect}/{name}: the file name must start with a number and a dash (e.g. 002-reminders.sql) so its order and schema version are known.");
            }

            scripts.Add(new Script(version, name, Read(assembly, resource)));
        }

        if (scripts.Count == 0)
        {
            throw new InvalidOperationException($"No SQL scripts for '{dialect}' are embedded in {assembly.GetName().Name}; the build must include deploy/sql/{dialect}/*.sql.");
        }

        return scripts;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded resource {resource} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
