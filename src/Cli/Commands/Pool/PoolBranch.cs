using Spectre.Console.Cli;

namespace WPAI.Cli.Commands.Pool;

/// <summary><c>wpai pool show|list|mixing</c>.</summary>
public static class PoolBranch
{
    public static void Register(IConfigurator config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.AddBranch("pool", pool =>
        {
            pool.SetDescription("Per-GPU-model scheduling pools: capacity, queue, quota ledger.");
            pool.AddCommand<PoolShowCommand>("show")
                .WithDescription("Show a pool: capacity, departments' quota and use, the pending queue with scores.")
                .WithExample("pool", "show", "T4");
            pool.AddCommand<PoolListCommand>("list")
                .WithDescription("List pools.");
            pool.AddCommand<PoolMixingCommand>("mixing")
                .WithDescription("Show or configure the pool's online/offline mixing controller (lends idle inference nodes to training).")
                .WithExample("pool", "mixing", "T4", "--policy", "threshold", "--min-rate", "0.3", "--max-rate", "0.8", "--reclaim-ahead", "on");
        });
    }
}
