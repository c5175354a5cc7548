using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Dept;

public sealed class DeptSetQuotaCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<DeptSetQuotaSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, DeptSetQuotaSettings settings, CancellationToken cancellationToken)
    {
        var quota = settings.ToQuota();
        var department = await client.SetQuotaAsync(settings.Department.Trim(), quota, cancellationToken);
        if (settings.Format == OutputFormat.Table)
        {
            foreach (var warning in DepartmentRendering.BeyondQuota(department, quota.Keys))
            {
                Console.WriteLine(warning);
            }
        }

        return Print(settings, department, DepartmentRendering.Show);
    }
}
