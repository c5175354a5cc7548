using Spectre.Console.Cli;

namespace WPAI.Cli.Commands.Service;

/// <summary><c>wpai service deploy|list|show|scale|update</c>: inference services that scale themselves.</summary>
public static class ServiceBranch
{
    public static void Register(IConfigurator config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.AddBranch("service", service =>
        {
            service.SetDescription("Inference services: replicas on online nodes, scaled by metrics and a load forecast.");
            service.AddCommand<ServiceDeployCommand>("deploy")
                .WithDescription("Deploy or update a service (replicas are placed on OnlineNormal nodes of its pool).")
                .WithExample("service", "deploy", "resnet", "--model", "resnet18", "--pool", "T4", "--gpus", "1", "--cpu", "4", "--memory", "16Gi", "--capacity-qps", "50", "--min", "1", "--max", "8");
            service.AddCommand<ServiceListCommand>("list").WithDescription("List services with their replica counts.");
            service.AddCommand<ServiceShowCommand>("show").WithDescription("Show a service: replicas, forecaster and every scaling decision with its reason.");
            service.AddCommand<ServiceScaleCommand>("scale")
                .WithDescription("Override the replica count by hand (recorded with the reason; the autoscaler holds off for a while).")
                .WithExample("service", "scale", "resnet", "4", "--reason", "load test");
            service.AddCommand<ServiceUpdateCommand>("update")
                .WithDescription("Roll the replicas to another model repository, one at a time (a version that fails readiness stops the roll-out).")
                .WithExample("service", "update", "resnet", "--models", "./models-v2");
        });
    }
}
