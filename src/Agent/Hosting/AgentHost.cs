using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WPAI.Agent.Measuring;
using WPAI.Agent.Runs;
using WPAI.Client;

namespace WPAI.Agent.Hosting;

/// <summary>
/// The node agent process: configuration (command line, <c>WPAI_Agent__…</c> environment variables), an Orleans client
/// to the silos, and the <see cref="NodeAgentService"/> that registers the node, pulls its orders and runs them.
/// </summary>
public static class AgentHost
{
    /// <summary>Command-line switches → configuration keys.</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--node"] = "Agent:Node",
        ["--pool"] = "Agent:Pool",
        ["--gateway"] = "Agent:Gateway",
        ["--cluster-id"] = "Agent:ClusterId",
        ["--gpus"] = "Agent:Gpus",
        ["--cpu-milli"] = "Agent:CpuMilli",
        ["--memory-mib"] = "Agent:MemoryMib",
        ["--mode"] = "Agent:Mode",
        ["--state-dir"] = "Agent:StateDirectory",
        ["--grace"] = "Agent:Grace",
        ["--sample-interval"] = "Agent:SampleInterval",
        ["--heartbeat"] = "Agent:HeartbeatInterval",
        ["--poll-wait"] = "Agent:PollWait",
        ["--nvidia-smi"] = "Agent:NvidiaSmi",
        ["--model-server"] = "Agent:ModelServer",
        ["--replica-host"] = "Agent:ReplicaHost",
        ["--replica-api-key"] = "Agent:ReplicaApiKey",
        ["--replica-ready-timeout"] = "Agent:ReplicaReadyTimeout",
        ["--replica-load-interval"] = "Agent:ReplicaLoadInterval",
    };

    public static async Task<int> RunAsync(string[] args)
    {
        IHost host;
        try
        {
            host = Build(args);
        }
        catch (Exception ex) when (ex is WpaiValidationException or OptionsValidationException or InvalidOperationException or FormatException)
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message);
            return 2;
        }

        await host.RunAsync();
        return 0;
    }

    public static IHost Build(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Configuration.AddEnvironmentVariables("WPAI_");
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(Switches));
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        var options = builder.Configuration.GetSection(AgentOptions.SectionName).Get<AgentOptions>() ?? new AgentOptions();
        options.Validate();
        builder.AddWpaiClient(client =>
        {
            foreach (var gateway in options.Gateway.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                client.Gateways.Add(gateway);
            }

            if (!string.IsNullOrWhiteSpace(options.ClusterId))
            {
                client.ClusterId = options.ClusterId.Trim();
            }

            client.ConnectRetries = 10_000; // the most the client allows: an agent waits hours (1 s apart) for its silo
            client.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5);
        });
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<NvidiaSmi>();
        builder.Services.AddSingleton<RunSupervisor>();
        builder.Services.AddSingleton<ReplicaProber>();
        builder.Services.AddHostedService<NodeAgentService>();
        return builder.Build();
    }
}
