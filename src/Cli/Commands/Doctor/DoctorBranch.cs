using Spectre.Console.Cli;

namespace WPAI.Cli.Commands.Doctor;

/// <summary><c>wpai doctor</c>: checks a cluster's database, schema, gateways, membership and clocks.</summary>
public static class DoctorBranch
{
    public static void Register(IConfigurator config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.AddCommand<DoctorCommand>("doctor")
            .WithDescription("Check the cluster: database and schema version (with --connection), gateway, membership, clock skew between silos.")
            .WithExample("doctor", "--connection", "Host=127.0.0.1;Port=5432;Database=wpai;Username=wpai;Password=secret", "--cluster-id", "prod")
            .WithExample("doctor", "--gateway", "10.0.0.5:30000");
    }
}
