using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Mixing;
using WPAI.Abstractions.Grains;
using WPAI.Client;
using Xunit.Abstractions;

namespace WPAI.Cluster.Tests;

/// <summary>
/// A durable wake-up across a real process restart: a mixing controller configured with a tick interval registers an
/// Orleans reminder (ADO.NET reminders on PostgreSQL); after the silo process stops and starts again, nothing calls the
/// controller, yet its reminder activates it and its ticks resume. Silo start-up does not wake controllers.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReminderRestartTests(ITestOutputHelper output)
{
    private const string Pool = "RMD";
    private const string Node = "rmd-0";

    [Fact]
    public async Task SiloProcessRestart_MixingControllerIsWokenByItsReminder_AndLendsTheIdleNode()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var clusterId = "reminders-" + Guid.NewGuid().ToString("N")[..8];
        using var silo = new SiloProcess("A", database.ConnectionString, clusterId, ["--Wpai:Reminders:MinimumReminderPeriod", "00:00:01"]);
        var options = TestFleet.ClientOptions(database.ConnectionString, clusterId);
        try
        {
            silo.Start();
            await silo.WaitActiveAsync(database, TimeSpan.FromMinutes(2));
            await using (var connection = await WpaiConnection.ConnectAsync(options))
            {
                var client = connection.Client;
                await client.AddNodeAsync(new NodeSpec(Node, Pool, 4, 64_000, 512 * 1024), NodeMode.Fixed);
                await client.ConfigureMixingAsync(Pool, MixingSettings.Default with { TickInterval = TimeSpan.FromSeconds(1), MinDwell = TimeSpan.Zero });
                Assert.True(
                    await TestFleet.EventuallyAsync(async () => (await client.GetMixingAsync(Pool))?.LastTick is not null, TimeSpan.FromMinutes(1)),
                    "the configured controller never ticked");
            }

            await silo.StopAsync(TimeSpan.FromSeconds(60));
            silo.Start();
            await silo.WaitActiveAsync(database, TimeSpan.FromMinutes(2));
            await using (var connection = await WpaiConnection.ConnectAsync(options))
            {
                // Only the node is touched: it joins inference with no demand, and the controller, which nobody calls
                // after the restart, lends it on its own once its reminder has brought it back.
                await connection.ClusterClient.GetGrain<INodeGrain>(Node).ChangeModeAsync(NodeMode.OnlineNormal, "joins inference");
                var lent = await TestFleet.EventuallyAsync(
                    async () => (await connection.Client.GetNodeAsync(Node)).Mode == NodeMode.OfflineNormal,
                    TimeSpan.FromMinutes(1));
                Assert.True(lent, $"the controller did not lend the idle node after the restart (mode {(await connection.Client.GetNodeAsync(Node)).Mode})");
                output.WriteLine($"after the restart the controller ticked by itself: {(await connection.Client.GetMixingAsync(Pool))?.Summary}");
            }
        }
        catch
        {
            output.WriteLine(silo.Output());
            throw;
        }
    }
}
