using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.Runtime;
using Orleans.Serialization.TypeSystem;

namespace WPAI.Silo.Hosting;

/// <summary>
/// Remembers the <see cref="GrainInterfaceType"/> of each grain interface. Orleans' <see cref="GrainInterfaceTypeResolver"/>
/// recomputes it on every <c>GetGrain</c> (it reads the interface's attributes by reflection, then formats its name),
/// which a profile of the scheduling benchmark showed at about 9 % of all CPU: every job touches a dozen grains and
/// each reference is made afresh. <see cref="Install"/> moves the registered providers behind this one, so the resolver
/// asks this provider first; it answers from its cache, and on a miss asks a resolver built from the moved providers,
/// which gives exactly the answer Orleans would have given (providers first, then the naming convention). The mapping
/// from an interface to its name never changes in a process, so the cache is never invalidated.
/// </summary>
public sealed class CachedGrainInterfaceTypes : IGrainInterfaceTypeProvider
{
    private readonly ConcurrentDictionary<Type, GrainInterfaceType> _known = new();
    private readonly GrainInterfaceTypeResolver _resolver;

    public CachedGrainInterfaceTypes(IEnumerable<IGrainInterfaceTypeProvider> providers, TypeConverter typeConverter) =>
        _resolver = new GrainInterfaceTypeResolver(providers, typeConverter);

    /// <summary>How many interfaces are remembered.</summary>
    public int Count => _known.Count;

    public bool TryGetGrainInterfaceType(Type type, out GrainInterfaceType grainInterfaceType)
    {
        ArgumentNullException.ThrowIfNull(type);
        grainInterfaceType = _known.GetOrAdd(type, static (t, resolver) => resolver.GetGrainInterfaceType(t), _resolver);
        return true;
    }

    /// <summary>
    /// Replaces every <see cref="IGrainInterfaceTypeProvider"/> registered so far with one cache over them. Call it after
    /// Orleans added its defaults (in a silo or client configuration callback); a provider registered later is
    /// consulted only for what this one cannot answer, which is nothing.
    /// </summary>
    public static void Install(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(CachedGrainInterfaceTypes)))
        {
            return;
        }

        var inner = services.Where(d => d.ServiceType == typeof(IGrainInterfaceTypeProvider)).ToList();
        foreach (var descriptor in inner)
        {
            services.Remove(descriptor);
        }

        services.AddSingleton(sp => new CachedGrainInterfaceTypes(
            inner.Select(d => Create(sp, d)).ToList(),
            sp.GetRequiredService<TypeConverter>()));
        services.AddSingleton<IGrainInterfaceTypeProvider>(sp => sp.GetRequiredService<CachedGrainInterfaceTypes>());
    }

    private static IGrainInterfaceTypeProvider Create(IServiceProvider services, ServiceDescriptor descriptor) => descriptor switch
    {
        { ImplementationInstance: IGrainInterfaceTypeProvider instance } => instance,
        { ImplementationFactory: { } factory } => (IGrainInterfaceTypeProvider)factory(services),
        { ImplementationType: { } type } => (IGrainInterfaceTypeProvider)ActivatorUtilities.CreateInstance(services, type),
        _ => throw new InvalidOperationException($"Cannot create the grain interface type provider registered as {descriptor}."),
    };
}
