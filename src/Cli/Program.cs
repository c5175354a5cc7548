using Spectre.Console;
using WPAI.Cli;

return await WpaiCli.RunAsync(args, AnsiConsole.Console, WpaiCli.CreateErrorConsole());
