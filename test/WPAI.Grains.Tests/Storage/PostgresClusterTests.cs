using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using WPAI.Client.Clustering;
using WPAI.Silo.Storage;

namespace WPAI.Grains.Tests.Storage;

/// <summary>
/// A real silo host on PostgreSQL through <see cref="WpaiStorageSiloBuilderExtensions.UseWpaiStorage"/>: Orleans' ADO.NET
/// clustering, grain storage and reminders running on WPAI's own SQL, and a client that finds the silo through
/// <see cref="WpaiClientClusteringExtensions.UseWpaiAdoNetClustering"/>.
/// </summary>
public sealed class PostgresClusterTests
{
    [Fact]
    public async Task Silo_OnAdoNetClusteringAndStorage_ServesAClient_AndKeepsStateAcrossARestart()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var serviceId = "wpai-pg-" + Guid.NewGuid().ToString("N")[..8];
        var clusterId = "cluster-" + Guid.NewGuid().ToString("N")[..8];
        var key = "probe-" + Guid.NewGuid().ToString("N");

        using (var silo = await StartSiloAsync(database.ConnectionString, serviceId, clusterId))
        {
            Assert.Equal(1L, await database.ScalarAsync<long>(
                $"SELECT count(*) FROM wpai_membership WHERE deployment_id = '{clusterId}' AND status = 3"));

            using var client = await StartClientAsync(database.ConnectionString, serviceId, clusterId);
            var grains = client.Services.GetRequiredService<IClusterClient>();
            var grain = grains.GetGrain<IStorageProbeGrain>(key);
            await grain.AddAsync(5);
            Assert.Equal(12, await grain.AddAsync(7));
            Assert.Equal(2, await database.ScalarAsync<int>(
                $"SELECT version FROM wpai_grain_state WHERE service_id = '{serviceId}' AND grain_id_extension = '{key}'"));

            var cleared = grains.GetGrain<IStorageProbeGrain>(key + "-cleared");
            await cleared.AddAsync(3);
            await cleared.ClearAsync();

            var reminders = grains.GetGrain<IReminderProbeGrain>(key);
            await reminders.RegisterAsync("nightly");
            Assert.Equal(1L, await database.ScalarAsync<long>(
                $"SELECT count(*) FROM wpai_reminders WHERE service_id = '{serviceId}' AND reminder_name = 'nightly'"));
            await reminders.UnregisterAsync("nightly");
            Assert.Equal(0L, await database.ScalarAsync<long>($"SELECT count(*) FROM wpai_reminders WHERE service_id = '{serviceId}'"));

            await client.StopAsync();
            await silo.StopAsync();
        }

        using (var silo = await StartSiloAsync(database.ConnectionString, serviceId, clusterId))
        {
            using var client = await StartClientAsync(database.ConnectionString, serviceId, clusterId);
            var grains = client.Services.GetRequiredService<IClusterClient>();
            Assert.Equal(12, await grains.GetGrain<IStorageProbeGrain>(key).GetAsync());
            Assert.Equal(0, await grains.GetGrain<IStorageProbeGrain>(key + "-cleared").GetAsync());
            Assert.Equal(13, await grains.GetGrain<IStorageProbeGrain>(key).AddAsync(1));
            await client.StopAsync();
            await silo.StopAsync();
        }

        Assert.Equal(5, await database.ScalarAsync<int>("SELECT version FROM wpai_schema"));
    }

    [Fact]
    public async Task Silo_OnWpaiStorage_ReadsAndUpdatesState_WrittenByOrleansAdoNetStorage()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var serviceId = "wpai-pg-" + Guid.NewGuid().ToString("N")[..8];
        var clusterId = "cluster-" + Guid.NewGuid().ToString("N")[..8];
        var key = "probe-" + Guid.NewGuid().ToString("N");
        await DatabaseInitializer.InitializeAsync(database.ConnectionString);

        using (var silo = await StartSiloAsync(database.ConnectionString, serviceId, clusterId, orleansAdoNetStorage: true))
        {
            using var client = await StartClientAsync(database.ConnectionString, serviceId, clusterId);
            var grain = client.Services.GetRequiredService<IClusterClient>().GetGrain<IStorageProbeGrain>(key);
            await grain.AddAsync(5);
            await grain.AddAsync(2);
            await client.StopAsync();
            await silo.StopAsync();
        }

        using (var silo = await StartSiloAsync(database.ConnectionString, serviceId, clusterId))
        {
            using var client = await StartClientAsync(database.ConnectionString, serviceId, clusterId);
            var grain = client.Services.GetRequiredService<IClusterClient>().GetGrain<IStorageProbeGrain>(key);
            Assert.Equal(7, await grain.GetAsync());
            Assert.Equal(8, await grain.AddAsync(1));
            await client.StopAsync();
            await silo.StopAsync();
        }

        Assert.Equal(3, await database.ScalarAsync<int>(
            $"SELECT max(version) FROM wpai_grain_state WHERE service_id = '{serviceId}' AND grain_id_extension = '{key}'"));
        Assert.Equal(1L, await database.ScalarAsync<long>(
            $"SELECT count(*) FROM wpai_grain_state WHERE service_id = '{serviceId}' AND grain_id_extension = '{key}'"));
    }

    private static async Task<IHost> StartSiloAsync(string connection, string serviceId, string clusterId, bool orleansAdoNetStorage = false)
    {
        var ports = WPAI.Tests.Shared.FreePorts.Take(2); // ports checked free by binding them
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .UseOrleans(silo =>
            {
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ServiceId = serviceId;
                    o.ClusterId = clusterId;
                });
                silo.ConfigureEndpoints(IPAddress.Loopback, ports[0], ports[1]);
                silo.UseWpaiStorage(new WpaiStorageOptions { Kind = StorageKind.Postgres, PostgresConnection = connection });
                if (orleansAdoNetStorage)
                {
                    // The provider and serializer WPAI used up to schema version 3, registered last so that it replaces ours.
                    silo.AddAdoNetGrainStorage(
                        WPAI.Abstractions.Hosting.WpaiCluster.StorageProvider,
                        options => options.Configure<Orleans.Serialization.Serializer>((o, serializer) =>
                        {
                            o.Invariant = WpaiStorageOptions.PostgresInvariant;
                            o.ConnectionString = connection;
                            o.GrainStorageSerializer = new Orleans.Storage.OrleansGrainStorageSerializer(serializer);
                        }));
                }
            })
            .Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<IHost> StartClientAsync(string connection, string serviceId, string clusterId)
    {
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o =>
                {
                    o.ServiceId = serviceId;
                    o.ClusterId = clusterId;
                });
                client.UseWpaiAdoNetClustering(connection);
            })
            .Build();
        await host.StartAsync();
        return host;
    }
}
