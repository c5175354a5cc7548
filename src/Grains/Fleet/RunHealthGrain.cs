namespace WPAI.Grains.Fleet;

/// <summary>The silos' latest recovery reports, in memory (they report again on every change and retry).</summary>
[GrainType("wpai-run-health")]
public sealed class RunHealthGrain : Grain, IRunHealthGrain
{
    private readonly Dictionary<string, RunHealth> _bySilo = new(StringComparer.Ordinal);

    public Task ReportAsync(RunHealth health)
    {
        ArgumentNullException.ThrowIfNull(health);
        if (!_bySilo.TryGetValue(health.Silo, out var known) || known.At <= health.At)
        {
            _bySilo[health.Silo] = health;
        }

        return Task.CompletedTask;
    }

    public Task<ImmutableArray<RunHealth>> GetAsync() =>
        Task.FromResult(_bySilo.Values.OrderBy(h => h.Silo, StringComparer.Ordinal).ToImmutableArray());
}
