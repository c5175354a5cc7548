using Orleans.Metadata;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.TypeSystem;
using WPAI.Silo.Hosting;

namespace WPAI.Grains.Tests.Cluster;

public sealed class CachedGrainInterfaceTypesTests
{
    private static readonly Type[] GrainInterfaces = typeof(IJobGrain).Assembly.GetTypes()
        .Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t) && !t.ContainsGenericParameters)
        .ToArray();

    [Fact]
    public void GetGrainInterfaceType_GivesOrleansOwnAnswer_ForEveryWpaiGrainInterface()
    {
        using var plain = Services(install: false);
        using var cached = Services(install: true);
        var expected = Resolver(plain);
        var actual = Resolver(cached);

        Assert.NotEmpty(GrainInterfaces);
        foreach (var type in GrainInterfaces)
        {
            Assert.Equal(expected.GetGrainInterfaceType(type), actual.GetGrainInterfaceType(type));
        }

        Assert.Equal(GrainInterfaces.Length, cached.GetRequiredService<CachedGrainInterfaceTypes>().Count);
    }

    [Fact]
    public void GetGrainInterfaceType_AnswersFromTheCache_WhenAskedAgain()
    {
        using var cached = Services(install: true);
        var resolver = Resolver(cached);
        var first = GrainInterfaces.Select(resolver.GetGrainInterfaceType).ToArray();
        var cache = cached.GetRequiredService<CachedGrainInterfaceTypes>();
        var count = cache.Count;

        var second = GrainInterfaces.Select(resolver.GetGrainInterfaceType).ToArray();

        Assert.Equal(first, second);
        Assert.Equal(count, cache.Count);
    }

    [Fact]
    public void Install_KeepsARegisteredProvidersAnswer_AndOneCacheWhenCalledTwice()
    {
        var services = new ServiceCollection().AddSerializer();
        services.AddSingleton<IGrainInterfaceTypeProvider>(new FixedName(typeof(IJobGrain), "custom-job-interface"));
        services.AddSingleton<IGrainInterfaceTypeProvider, AttributeGrainInterfaceTypeProvider>();
        CachedGrainInterfaceTypes.Install(services);
        CachedGrainInterfaceTypes.Install(services);
        using var provider = services.BuildServiceProvider();
        var resolver = Resolver(provider);

        Assert.Single(provider.GetServices<IGrainInterfaceTypeProvider>());
        Assert.Equal(GrainInterfaceType.Create("custom-job-interface"), resolver.GetGrainInterfaceType(typeof(IJobGrain)));
        Assert.NotEqual(GrainInterfaceType.Create("custom-job-interface"), resolver.GetGrainInterfaceType(typeof(INodeGrain)));
    }

    private static ServiceProvider Services(bool install)
    {
        var services = new ServiceCollection().AddSerializer();
        services.AddSingleton<IGrainInterfaceTypeProvider, AttributeGrainInterfaceTypeProvider>();
        if (install)
        {
            CachedGrainInterfaceTypes.Install(services);
        }

        return services.BuildServiceProvider();
    }

    private static GrainInterfaceTypeResolver Resolver(IServiceProvider services) =>
        new(services.GetServices<IGrainInterfaceTypeProvider>(), services.GetRequiredService<TypeConverter>());

    private sealed class FixedName(Type type, string name) : IGrainInterfaceTypeProvider
    {
        public bool TryGetGrainInterfaceType(Type candidate, out GrainInterfaceType grainInterfaceType)
        {
            grainInterfaceType = candidate == type ? GrainInterfaceType.Create(name) : default;
            return candidate == type;
        }
    }
}
