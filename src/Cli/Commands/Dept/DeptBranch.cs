using Spectre.Console.Cli;

namespace WPAI.Cli.Commands.Dept;

/// <summary><c>wpai dept set-quota|show|list</c>.</summary>
public static class DeptBranch
{
    public static void Register(IConfigurator config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.AddBranch("dept", dept =>
        {
            dept.SetDescription("Department GPU quotas, usage and quota advice.");
            dept.AddCommand<DeptSetQuotaCommand>("set-quota")
                .WithDescription("Set a department's GPU quota per pool (pools not named keep theirs).")
                .WithExample("dept", "set-quota", "research", "T4=8", "P40=4");
            dept.AddCommand<DeptShowCommand>("show")
                .WithDescription("Show a department: quota, own and borrowed use, running jobs, advice.")
                .WithExample("dept", "show", "research");
            dept.AddCommand<DeptListCommand>("list")
                .WithDescription("List departments.");
        });
    }
}
