namespace WPAI.Simulation.Workload;

/// <summary>
/// The integer GPU quotas of one pool: every GPU is owned, by the largest-remainder (Hamilton) method over the
/// ownership shares of the departments with demand in the pool (all departments when none has). Ties of the remainder
/// rotate with <c>rotation</c> (the pool's index) so no department gets every pool's spare GPU. When the pool has at
/// least as many GPUs as departments with demand there, rounding leaves none of them at 0: a GPU moves to it from the
/// department holding the most above its exact share.
/// </summary>
public static class QuotaApportionment
{
    public static int[] Apportion(int gpus, IReadOnlyList<double> shares, IReadOnlyList<bool> demand, int rotation)
    {
        ArgumentNullException.ThrowIfNull(shares);
        ArgumentNullException.ThrowIfNull(demand);
        var n = shares.Count;
        var eligible = Enumerable.Range(0, n).Where(i => demand[i] && shares[i] > 0).ToList();
        if (eligible.Count == 0)
        {
            eligible = [.. Enumerable.Range(0, n)];
        }

        var total = eligible.Sum(i => shares[i]);
        var exact = new double[n];
        foreach (var i in eligible)
        {
            exact[i] = total > 0 ? shares[i] / total * gpus : (double)gpus / eligible.Count;
        }

        var quota = exact.Select(e => (int)Math.Floor(e + 1e-9)).ToArray();
        var left = gpus - quota.Sum();
        var order = eligible
            .OrderByDescending(i => Math.Round(exact[i] - quota[i], 9))
            .ThenBy(i => ((i - rotation) % n + n) % n)
            .ToList();
        for (var k = 0; k < left; k++)
        {
            quota[order[k % order.Count]]++;
        }

        if (gpus >= eligible.Count)
        {
            foreach (var i in eligible.Where(i => quota[i] == 0).ToList())
            {
                var donor = eligible.Where(j => quota[j] >= 2).OrderByDescending(j => quota[j] - exact[j]).ThenBy(j => j).First();
                quota[donor]--;
                quota[i]++;
            }
        }

        return quota;
    }
}
