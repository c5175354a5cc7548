using System.Collections.Concurrent;

namespace WPAI.Grains.Departments;

/// <summary>
/// The departments this silo process has seen exist. A department, once created, is never removed (its state only
/// gains <see cref="DepartmentState.Exists"/>), so a submit of a job without a template to a department known here
/// needs nothing from the department grain (<see cref="IDepartmentGrain.GetSubmitContextAsync"/> would answer that it
/// exists and has no template runs) and skips that call. Only departments seen to exist are kept; an unknown one is
/// asked every time. One per silo process.
/// </summary>
public sealed class KnownDepartments
{
    private static readonly SubmitContext ExistsWithoutTemplate = new(true, []);

    private readonly ConcurrentDictionary<string, bool> _existing = new(StringComparer.Ordinal);

    /// <summary>
    /// The submit context of <paramref name="template"/> in <paramref name="department"/>: without a template and for a
    /// department known to exist, at once; otherwise the department's answer (remembered when it says it exists).
    /// </summary>
    public async Task<SubmitContext> SubmitContextAsync(IGrainFactory grains, string department, string? template)
    {
        if (template is null && _existing.ContainsKey(department))
        {
            return ExistsWithoutTemplate;
        }

        var context = await grains.GetGrain<IDepartmentGrain>(department).GetSubmitContextAsync(template);
        if (context.Exists)
        {
            _existing.TryAdd(department, true);
        }

        return context;
    }
}
