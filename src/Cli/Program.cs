using Spectre.Console;
using WPAI.Cli;

var output = AnsiConsole.Console;
WpaiCli.WidenWhenRedirected(output);
return await WpaiCli.RunAsync(args, output, WpaiCli.CreateErrorConsole());
