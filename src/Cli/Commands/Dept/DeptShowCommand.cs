using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Dept;

public sealed class DeptShowCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<DeptShowSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, DeptShowSettings settings, CancellationToken cancellationToken)
    {
        var department = await client.GetDepartmentAsync(settings.Department.Trim(), cancellationToken);
        return Print(settings, department, DepartmentRendering.Show);
    }
}
