using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace WPAI.Silo.Storage;

/// <summary>
/// Wraps an already registered grain storage provider in another <see cref="IGrainStorage"/> (a counter, a failure
/// injector) without knowing how the provider itself is built.
/// </summary>
public static class GrainStorageDecoration
{
    /// <summary>
    /// Replaces the keyed registration of the provider <paramref name="name"/> with <paramref name="decorate"/> applied to
    /// what the original registration builds. Register the provider first (e.g. <c>UseWpaiStorage</c>).
    /// A decorator that wraps a provider which takes part in the silo lifecycle (SQLite opens its file at start) must
    /// implement <see cref="ILifecycleParticipant{TLifecycleObservable}"/> and forward to it.
    /// </summary>
    /// <exception cref="InvalidOperationException">No grain storage named <paramref name="name"/> is registered yet.</exception>
    public static IServiceCollection DecorateGrainStorage(this IServiceCollection services, string name, Func<IServiceProvider, IGrainStorage, IGrainStorage> decorate)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(decorate);
        var original = services.LastOrDefault(d => d.IsKeyedService && d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, name))
            ?? throw new InvalidOperationException($"No grain storage named '{name}' is registered: call UseWpaiStorage (or another provider) before decorating it.");
        var factory = original.KeyedImplementationFactory
            ?? throw new InvalidOperationException($"The grain storage '{name}' is not registered through a factory, so it cannot be decorated.");
        services.Remove(original);
        services.AddKeyedSingleton<IGrainStorage>(name, (sp, key) => decorate(sp, (IGrainStorage)factory(sp, key)));
        return services;
    }
}
