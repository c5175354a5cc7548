using Microsoft.Extensions.Options;

namespace WPAI.Client;

/// <summary>Checks <see cref="WpaiClientOptions"/>; each failure names the setting, the reason and the fix.</summary>
public sealed class WpaiClientOptionsValidator : IValidateOptions<WpaiClientOptions>
{
    public ValidateOptionsResult Validate(string? name, WpaiClientOptions options)
    {
        var failures = new List<string>();
        var gateways = options.EffectiveGateways;
        for (var i = 0; i < gateways.Count; i++)
        {
            if (!GatewayEndpoint.TryParse(gateways[i], out _, out var error))
            {
                failures.Add($"Gateways[{i}]: {error}");
            }
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add("ClusterId: is empty; leave it unset for the local cluster ('wpai-local') or give the silos' ClusterId");
        }

        if (options.MaxConcurrentCalls is < 1 or > 1024)
        {
            failures.Add($"MaxConcurrentCalls: {options.MaxConcurrentCalls} is outside 1..1024; use e.g. 32");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero)
        {
            failures.Add($"ConnectTimeout: {options.ConnectTimeout} is not positive; use e.g. 00:00:10");
        }

        if (options.ConnectRetries is < 0 or > 10_000)
        {
            failures.Add($"ConnectRetries: {options.ConnectRetries} is outside 0..10000; use 0 to fail at once");
        }

        if (options.ConnectRetryDelay < TimeSpan.Zero)
        {
            failures.Add($"ConnectRetryDelay: {options.ConnectRetryDelay} is negative; use e.g. 00:00:01");
        }

        if (options.ResponseTimeout <= TimeSpan.Zero)
        {
            failures.Add($"ResponseTimeout: {options.ResponseTimeout} is not positive; use e.g. 00:00:30");
        }

        if (options.GatewayListRefreshPeriod <= TimeSpan.Zero)
        {
            failures.Add($"GatewayListRefreshPeriod: {options.GatewayListRefreshPeriod} is not positive; use e.g. 00:00:10");
        }

        if (options.ClusteringConnection is { } connection)
        {
            try
            {
                var builder = new Npgsql.NpgsqlConnectionStringBuilder(connection);
                if (string.IsNullOrWhiteSpace(builder.Host))
                {
                    failures.Add("ClusteringConnection: names no Host; give the cluster's PostgreSQL connection string, e.g. Host=127.0.0.1;Port=5432;Database=wpai;Username=wpai");
                }
            }
            catch (ArgumentException ex)
            {
                failures.Add($"ClusteringConnection: is not a valid Npgsql connection string ({ex.Message}); use key=value pairs separated by ';'");
            }
        }

        if (options.Token is { } token && (token.Length == 0 || token.Any(char.IsWhiteSpace)))
        {
            failures.Add("Token: is empty or contains white space; give the admin or submitter token exactly as configured on the silos");
        }

        try
        {
            options.Tls.Validate();
        }
        catch (WPAI.Abstractions.Errors.WpaiValidationException ex)
        {
            failures.Add(ex.Message);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Validates eagerly, throwing <see cref="OptionsValidationException"/> with every failure.</summary>
    public static void ThrowIfInvalid(WpaiClientOptions options)
    {
        var result = new WpaiClientOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(WpaiClientOptions), result.Failures);
        }
    }
}
