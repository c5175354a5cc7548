using Spectre.Console;
using WPAI.Cli.Infrastructure;
using WPAI.Cli.Rendering;
using WPAI.Client;

namespace WPAI.Cli.Commands.Dept;

public sealed class DeptListCommand(IAnsiConsole console, IWpaiConnector connector) : WpaiCommand<WpaiSettings>(console, connector)
{
    protected override async Task<int> RunAsync(IWpaiClient client, WpaiSettings settings, CancellationToken cancellationToken)
    {
        var departments = await client.ListDepartmentsAsync(cancellationToken);
        return Print(settings, departments, DepartmentRendering.List);
    }
}
