using System.Collections.Immutable;

namespace WPAI.Simulation.Capacity;

/// <summary>
/// Finds the largest sustained load on the grid of <see cref="SustainableCriteria"/> by bisection: the lowest and the
/// highest grid loads are probed first; then the midpoint of the bracket (sustained, not sustained) until the two are
/// neighbours on the grid. Bisection assumes a policy that sustains a load sustains every lower one; the probes are
/// all reported so a violation shows.
/// </summary>
public static class SustainableLoadSearch
{
    public static async Task<SustainableLoad> FindAsync(string policy, SustainableCriteria criteria, Func<double, Task<LoadProbe>> probe)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        ArgumentNullException.ThrowIfNull(probe);
        var probes = ImmutableArray.CreateBuilder<LoadProbe>();
        var points = (int)Math.Floor(((criteria.High - criteria.Low) / criteria.Step) + 1e-9);
        double At(int k) => Math.Round(criteria.Low + (k * criteria.Step), 6);

        async Task<bool> SustainedAsync(int k)
        {
            var p = await probe(At(k));
            probes.Add(p);
            return p.Sustained;
        }

        if (!await SustainedAsync(0))
        {
            return new SustainableLoad(policy, 0, At(0), probes.ToImmutable());
        }

        if (await SustainedAsync(points))
        {
            return new SustainableLoad(policy, At(points), null, probes.ToImmutable());
        }

        var (good, bad) = (0, points);
        while (bad - good > 1)
        {
            var mid = (good + bad) / 2;
            if (await SustainedAsync(mid))
            {
                good = mid;
            }
            else
            {
                bad = mid;
            }
        }

        return new SustainableLoad(policy, At(good), At(bad), probes.ToImmutable());
    }
}
