using Spectre.Console.Cli;

namespace WPAI.Cli.Commands.Pool;

/// <summary><c>wpai pool show|list</c>.</summary>
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
        });
    }
}
