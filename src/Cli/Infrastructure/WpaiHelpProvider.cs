using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace WPAI.Cli.Infrastructure;

/// <summary>
/// Spectre's help, plus one thing it leaves out: the help of a branch that has a default command (<c>wpai simulate</c>)
/// lists that command's arguments and options beside the branch's subcommands, so <c>wpai simulate --help</c> shows
/// what <c>wpai simulate</c> takes.
/// </summary>
public sealed class WpaiHelpProvider(ICommandAppSettings settings) : HelpProvider(settings)
{
    public override IEnumerable<IRenderable> GetArguments(ICommandModel model, ICommandInfo? command) =>
        base.GetArguments(model, DefaultOf(command));

    public override IEnumerable<IRenderable> GetOptions(ICommandModel model, ICommandInfo? command) =>
        base.GetOptions(model, DefaultOf(command));

    private static ICommandInfo? DefaultOf(ICommandInfo? command) =>
        command is { IsBranch: true, DefaultCommand: { } defaultCommand } ? defaultCommand : command;
}
