using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Dept;

public sealed class DeptSetQuotaCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<DeptSetQuotaSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, DeptSetQuotaSettings settings, CancellationToken cancellationToken)
    {
        var department = await client.SetQuotaAsync(settings.Department.Trim(), settings.ToQuota(), cancellationToken);
        return Print(settings, department, DepartmentRendering.Show);
    }
}
