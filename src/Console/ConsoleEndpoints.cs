using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WPAI.Client;
using WPAI.WebConsole.Components;

namespace WPAI.WebConsole;

/// <summary>
/// The WPAI web console: server-rendered Razor components over <see cref="IWpaiClient"/> (the API the CLI uses), served
/// by the silo host on its HTTP port beside the Orleans dashboard, under the same binding and authentication.
/// </summary>
public static class ConsoleEndpoints
{
    /// <summary>Registers the components and <see cref="IWpaiClient"/> over the host's grain factory.</summary>
    public static IServiceCollection AddWpaiConsole(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddWpaiClientSdk();
        return services;
    }

    /// <summary>Maps the console's pages (<c>/</c>, <c>/jobs</c>, <c>/jobs/{id}</c>, <c>/departments/{name}</c>, <c>/pools/{name}</c>, <c>/nodes/{name}</c>, <c>/services/{name}</c>).</summary>
    public static WebApplication MapWpaiConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAntiforgery(); // the submit and cancel forms carry an antiforgery token
        app.MapRazorComponents<App>();
        return app;
    }
}
