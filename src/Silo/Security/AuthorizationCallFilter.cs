using System.Security.Cryptography;
using System.Text;
using WPAI.Abstractions.Errors;
using Orleans.Runtime;
using WPAI.Abstractions.Grains;
using WPAI.Grains.Security;

namespace WPAI.Silo.Security;

/// <summary>
/// Checks every call that a client makes to a WPAI grain (or the management grain) against the credential it
/// carries in <c>RequestContext[<see cref="WpaiCluster.TokenKey"/>]</c>: the admin may do everything; a submitter
/// may read (methods named <c>Get…</c> and <c>List…</c>) and submit and cancel its own department's jobs. Calls between grains and
/// from the silo itself are not checked (they act on behalf of a call that already was).
/// </summary>
internal sealed class AuthorizationCallFilter : IIncomingGrainCallFilter
{
    private const string HostedClientPrefix = "hosted-";
    private readonly byte[] _admin;
    private readonly (byte[] Hash, string Department)[] _submitters;

    public AuthorizationCallFilter(WpaiAuthOptions options)
    {
        _admin = Hash(options.AdminToken!);
        _submitters = [.. options.Submitters.Select(kv => (Hash(kv.Value), kv.Key))];
    }

    public Task Invoke(IIncomingGrainCallContext context)
    {
        var grainInterface = context.InterfaceMethod?.DeclaringType;
        if (!IsExternalClient(context.SourceId) || !IsGuarded(grainInterface))
        {
            return context.Invoke();
        }

        var token = RequestContext.Get(WpaiCluster.TokenKey) as string;
        if (string.IsNullOrEmpty(token))
        {
            throw new WpaiAccessDeniedException(
                $"access denied: {Describe(context)} needs a credential and the call carried none. Pass --token (or set WPAI_TOKEN) with the admin or your department's submitter token");
        }

        var hash = Hash(token);
        if (CryptographicOperations.FixedTimeEquals(hash, _admin))
        {
            return context.Invoke();
        }

        var department = Department(hash);
        if (department is null)
        {
            throw new WpaiAccessDeniedException($"access denied: {Describe(context)}: the token is not a credential of this cluster. Check --token / WPAI_TOKEN");
        }

        var method = context.InterfaceMethod?.Name ?? context.MethodName;
        if (method.StartsWith("Get", StringComparison.Ordinal) || method.StartsWith("List", StringComparison.Ordinal))
        {
            return context.Invoke();
        }

        if (grainInterface == typeof(IJobGrain))
        {
            if (method == nameof(IJobGrain.SubmitAsync) && context.Request.GetArgument(0) is JobSpec spec)
            {
                return string.Equals(spec.Department, department, StringComparison.Ordinal)
                    ? context.Invoke()
                    : throw new WpaiAccessDeniedException(
                        $"access denied: the submitter token of department '{department}' may submit only '{department}' jobs, not one of department '{spec.Department}'. Use --dept {department}, or that department's token");
            }

            if (method == nameof(IJobGrain.CancelAsync))
            {
                var owner = (context.TargetContext.GrainInstance as IDepartmentOwned)?.OwningDepartment;
                return owner is null || string.Equals(owner, department, StringComparison.Ordinal)
                    ? context.Invoke()
                    : throw new WpaiAccessDeniedException(
                        $"access denied: the submitter token of department '{department}' may cancel only '{department}' jobs; job '{context.TargetId.Key}' belongs to '{owner}'. Ask that department or an admin");
            }
        }

        throw new WpaiAccessDeniedException(
            $"access denied: {Describe(context)} needs the admin token; the submitter token of department '{department}' may only read and submit or cancel '{department}' jobs");
    }

    private string? Department(byte[] hash)
    {
        string? found = null;
        foreach (var (candidate, department) in _submitters)
        {
            // Compare with every entry (no early exit), so the time taken does not tell which entry matched.
            if (CryptographicOperations.FixedTimeEquals(hash, candidate))
            {
                found = department;
            }
        }

        return found;
    }

    private static bool IsExternalClient(GrainId? source) =>
        source is { } id && GrainTypePrefix.IsClient(id)
        && !id.Key.ToString().StartsWith(HostedClientPrefix, StringComparison.Ordinal);

    private static bool IsGuarded(Type? interfaceType) =>
        interfaceType is not null
        && (interfaceType == typeof(IManagementGrain)
            || (interfaceType.Namespace?.StartsWith("WPAI.", StringComparison.Ordinal) ?? false));

    private static string Describe(IIncomingGrainCallContext context) =>
        $"{context.InterfaceMethod?.DeclaringType?.Name ?? context.InterfaceName}.{context.InterfaceMethod?.Name ?? context.MethodName}";

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
