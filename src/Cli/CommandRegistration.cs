using Spectre.Console.Cli;
using WPAI.Cli.Commands.Agent;
using WPAI.Cli.Commands.Cluster;
using WPAI.Cli.Commands.Db;
using WPAI.Cli.Commands.Dept;
using WPAI.Cli.Commands.Doctor;
using WPAI.Cli.Commands.Job;
using WPAI.Cli.Commands.Node;
using WPAI.Cli.Commands.Pool;
using WPAI.Cli.Commands.Service;
using WPAI.Cli.Commands.Simulate;
using WPAI.Inference.Tools.Commands;

namespace WPAI.Cli;

/// <summary>
/// The command branches of <c>wpai</c>, one line each. A new area adds a folder <c>Commands/&lt;Branch&gt;/</c> with a
/// static <c>Register(IConfigurator)</c> and one line here.
/// </summary>
public static class CommandRegistration
{
    public static void Register(IConfigurator config)
    {
        NodeBranch.Register(config);
        DeptBranch.Register(config);
        JobBranch.Register(config);
        PoolBranch.Register(config);
        ServiceBranch.Register(config);
        DbBranch.Register(config);
        ClusterBranch.Register(config);
        DoctorBranch.Register(config);
        SimulateBranch.Register(config);
        AgentBranch.Register(config);
        ModelBranch.Register(config);
    }
}
