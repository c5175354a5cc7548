using Spectre.Console;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Abstractions.Errors;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Pool;

/// <summary>
/// <c>wpai pool mixing POOL [settings] [--tick]</c>: shows the pool's mixing controller; with settings, (re)configures it
/// first (options not given keep their current value, or the default for a new controller); with <c>--tick</c>, runs
/// one tick.
/// </summary>
public sealed class PoolMixingCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<PoolMixingSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, PoolMixingSettings settings, CancellationToken cancellationToken)
    {
        var pool = settings.Pool.Trim();
        var current = await client.GetMixingAsync(pool, cancellationToken);
        if (settings.ChangesSettings)
        {
            current = await client.ConfigureMixingAsync(pool, settings.Apply(current?.Settings ?? MixingSettings.Default), cancellationToken);
        }

        if (current is null)
        {
            throw new WpaiNotFoundException($"pool '{pool}' has no mixing controller; configure one, e.g. ./wpai pool mixing {pool} --policy threshold");
        }

        if (settings.Tick)
        {
            await client.TickMixingAsync(pool, cancellationToken);
            current = await client.GetMixingAsync(pool, cancellationToken) ?? current;
        }

        return Print(settings, current, MixingRendering.Show);
    }
}
