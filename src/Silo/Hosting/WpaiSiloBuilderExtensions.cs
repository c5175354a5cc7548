using System.Net;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Runtime;
using WPAI.Abstractions.Ports;
using SchedulingOptions = WPAI.Domain.Scheduling.SchedulingOptions;
using WPAI.Grains.Agents;
using WPAI.Grains.Inference;
using WPAI.Silo.Driver;

namespace WPAI.Silo.Hosting;

/// <summary>Embeds WPAI in an Orleans silo.</summary>
public static class WpaiSiloBuilderExtensions
{
    /// <summary>
    /// Registers what WPAI's grains need: the grains' clock (keyed <see cref="WpaiCluster.ClockKey"/>, the system clock
    /// unless one is registered already), validated scheduling options, and the simulated cluster driver unless
    /// another <see cref="IClusterDriver"/> is registered. Storage and clustering are the host's choice; so are
    /// reminders (<c>UseWpaiStorage</c> picks them with the storage), and a host that chose none gets Orleans' in-memory
    /// reminder table. <see cref="ReminderOptions"/> bind to <c>Wpai:Reminders</c> (e.g. <c>MinimumReminderPeriod</c>).
    /// Grain interface names are resolved once per interface (<see cref="CachedGrainInterfaceTypes"/>). A pool's
    /// scheduler, jobs and nodes activate on one silo (<see cref="WPAI.Grains.Fleet.PoolAffinityPlacement"/>).
    /// </summary>
    public static ISiloBuilder AddWpaiGrains(this ISiloBuilder builder, Action<SchedulingOptions>? configure = null)
    {
        var services = builder.Services;
        services.TryAddKeyedSingleton(WpaiCluster.ClockKey, TimeProvider.System);
        var scheduling = services.AddOptions<SchedulingOptions>().BindConfiguration(SchedulingOptions.SectionName);
        if (configure is not null)
        {
            scheduling.Configure(configure);
        }

        scheduling.Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        services.AddOptions<SimulatedDriverOptions>().BindConfiguration(SimulatedDriverOptions.SectionName)
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        services.TryAddSingleton<RunRecovery, RunRecovery>();
        services.TryAddSingleton<WPAI.Grains.Scheduling.PoolOutbox, WPAI.Grains.Scheduling.PoolOutbox>();
        services.TryAddSingleton<WPAI.Grains.Departments.KnownDepartments, WPAI.Grains.Departments.KnownDepartments>();
        services.TryAddSingleton<WPAI.Grains.Fleet.JobIndexAppends, WPAI.Grains.Fleet.JobIndexAppends>();
        services.TryAddSingleton<WPAI.Grains.Telemetry.WpaiMetrics, WPAI.Grains.Telemetry.WpaiMetrics>();
        services.TryAddSingleton<IClusterDriver, SimulatedClusterDriver>();
        services.AddOptions<NodeAgentOptions>().BindConfiguration(NodeAgentOptions.SectionName)
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, WpaiSiloStartup>();

        // Whatever the storage: a grain whose state write or read failed is deactivated, never answering from memory
        // (and with PostgreSQL an unreachable database reaches callers as a typed, retryable error).
        builder.AddIncomingGrainCallFilter<WPAI.Silo.Storage.StorageUnavailableCallFilter>();
        if (!services.Any(d => d.ServiceType == typeof(IReminderTable)))
        {
            builder.UseInMemoryReminderService();
        }

        services.AddOptions<ReminderOptions>().BindConfiguration("Wpai:Reminders");
        services.AddWpaiInference(); // inference services: scaling options and the forecaster's training worker
        services.AddOptions<WPAI.Grains.Fleet.PoolPlacementOptions>().BindConfiguration(WPAI.Grains.Fleet.PoolPlacementOptions.SectionName).ValidateOnStart();
        services.AddPlacementDirector<WPAI.Grains.Fleet.PoolAffinityPlacement, WPAI.Grains.Fleet.PoolAffinityPlacementDirector>(); // a pool's scheduler, jobs and nodes on one silo
        CachedGrainInterfaceTypes.Install(services); // GetGrain without re-reading the interface's attributes each time
        return builder;
    }

    /// <summary>
    /// Starts and stops runs through the node agents (<c>--driver agent</c>) instead of the simulated driver; call it
    /// before <see cref="AddWpaiGrains"/>. Agents connect as Orleans clients (<c>wpai agent</c>).
    /// </summary>
    public static ISiloBuilder AddWpaiAgentDriver(this ISiloBuilder builder)
    {
        builder.Services.AddSingleton<IClusterDriver, AgentClusterDriver>();
        builder.Services.AddSingleton<IReplicaLauncher, AgentReplicaLauncher>();
        return builder;
    }

    /// <summary>
    /// The whole single-silo host: ids, endpoints, localhost clustering (unless <paramref name="configureStorage"/>
    /// configures clustering itself), grain storage, the dashboard, and <see cref="AddWpaiGrains"/>.
    /// </summary>
    public static ISiloBuilder AddWpai(this ISiloBuilder builder, WpaiSiloOptions options, Action<ISiloBuilder> configureStorage, bool localhostClustering = true)
    {
        options.Validate();
        builder.Configure<ClusterOptions>(o =>
        {
            o.ServiceId = WpaiCluster.ServiceId;
            o.ClusterId = options.ClusterId;
        });
        builder.Configure<ClusterMembershipOptions>(options.Membership.ApplyTo);
        if (localhostClustering)
        {
            builder.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: WpaiCluster.ServiceId, clusterId: options.ClusterId);
        }
        else
        {
            builder.ConfigureEndpoints(IPAddress.Parse(options.AdvertisedAddress), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
        }

        configureStorage(builder);
        if (options.Dashboard.Enabled)
        {
            builder.AddDashboard();
        }

        return builder.AddWpaiGrains();
    }

    private static void TryAddKeyedSingleton<T>(this IServiceCollection services, string key, T instance)
        where T : class
    {
        if (!services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, key) && d.ServiceType == typeof(T)))
        {
            services.AddKeyedSingleton(key, instance);
        }
    }

    private static void TryAddSingleton<TService, TImplementation>(this IServiceCollection services)
        where TService : class
        where TImplementation : class, TService
    {
        if (!services.Any(d => d.ServiceType == typeof(TService) && !d.IsKeyedService))
        {
            services.AddSingleton<TService, TImplementation>();
        }
    }
}
