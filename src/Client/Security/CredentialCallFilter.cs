using Orleans.Runtime;
using WPAI.Abstractions.Hosting;

namespace WPAI.Client.Security;

/// <summary>Puts the client's credential into <c>RequestContext</c> for every call, where the silos' authorization filter reads it.</summary>
internal sealed class CredentialCallFilter(string token) : IOutgoingGrainCallFilter
{
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        RequestContext.Set(WpaiCluster.TokenKey, token);
        return context.Invoke();
    }
}
