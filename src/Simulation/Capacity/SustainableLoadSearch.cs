using System.Collections.Immutable;

namespace WPAI.Simulation.Capacity;

/// <summary>
/// Finds the largest sustained load on the grid of <see cref="SustainableCriteria"/>: a coarse climb from the lowest grid
/// load in steps of <see cref="CoarseStep"/> grid points up to the first load not sustained (or the highest grid load),
/// then bisection of the last bracket (sustained, not sustained) until the two are neighbours on the grid. Climbing from
/// below keeps the probes near the answer: a probe far above it (the whole backlog of an overloaded replay) costs the most
/// to replay. Both steps assume a policy that sustains a load sustains every lower one; the probes are all reported so a
/// violation shows.
/// </summary>
public static class SustainableLoadSearch
{
    /// <summary>Grid points per step of the coarse climb (0.2 of load on the default 0.05 grid).</summary>
    public const int CoarseStep = 4;

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

        var (good, bad) = (0, -1);
        while (bad < 0)
        {
            var next = Math.Min(good + CoarseStep, points);
            if (!await SustainedAsync(next))
            {
                bad = next;
            }
            else if (next == points)
            {
                return new SustainableLoad(policy, At(points), null, probes.ToImmutable());
            }
            else
            {
                good = next;
            }
        }

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
