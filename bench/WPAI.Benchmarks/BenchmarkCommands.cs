namespace WPAI.Benchmarks;

/// <summary>Dispatches <c>dotnet run --project bench/WPAI.Benchmarks -- NAME [--quick] [--only CONFIGURATION] [--warm-up JOBS] [--clients N[,N…]] [--jit-log FILE] [--wait-times] [--count-calls] [--silo DLL] [--loops N]</c> to one benchmark.</summary>
internal static class BenchmarkCommands
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            await Console.Error.WriteLineAsync("usage: WPAI.Benchmarks <scheduling|storage|cluster|inference|forecaster|simulate> [--quick]");
            return 2;
        }

        var quick = args.Contains("--quick");
        var name = args[0];
        if (!TryPositive(args, "--warm-up", "a number of jobs", "--warm-up 3000", out var warmUp, out var error)
            || !TryPositive(args, "--loops", "a number of submit loops", "--loops 64", out var loops, out error))
        {
            await Console.Error.WriteLineAsync(error);
            return 2;
        }

        int[]? clients = null;
        if (OptionValue(args, "--clients") is { } clientsText)
        {
            var counts = clientsText.Split(',').Select(c => int.TryParse(c, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : 0).ToArray();
            if (counts.Any(n => n == 0))
            {
                await Console.Error.WriteLineAsync($"--clients '{clientsText}' is not a number of clients or a comma-separated list of them: give whole numbers of 1 or more, e.g. --clients 128 or --clients 32,64,128,256");
                return 2;
            }

            clients = counts;
        }

        switch (name)
        {
            case "scheduling": return await SchedulingBenchmark.RunAsync(quick, OptionValue(args, "--only"), warmUp, OptionValue(args, "--jit-log"), clients, args.Contains("--wait-times"));
            case "storage": return await StorageBenchmark.RunAsync(quick);
            case "cluster":
                return await ClusterBenchmark.RunAsync(quick, OptionValue(args, "--only"), warmUp, args.Contains("--count-calls"), OptionValue(args, "--silo"), loops);
            case "inference": return await InferenceBenchmark.RunAsync(quick);
            case "forecaster": return await ForecasterBenchmark.RunAsync(quick);
            case "simulate": return await WPAI.Cli.WpaiCli.RunAsync(args, Spectre.Console.AnsiConsole.Console, WPAI.Cli.WpaiCli.CreateErrorConsole());
            default:
                await Console.Error.WriteLineAsync($"unknown benchmark '{name}': choose one of scheduling, storage, cluster, inference, forecaster, simulate");
                return 2;
        }
    }

    /// <summary>Reads <paramref name="option"/> as a whole number of 1 or more (null when absent); false with the message when it is not one.</summary>
    private static bool TryPositive(string[] args, string option, string what, string example, out int? value, out string error)
    {
        value = null;
        error = "";
        if (OptionValue(args, option) is not { } text)
        {
            return true;
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            error = $"{option} '{text}' is not {what}: give a whole number of 1 or more, e.g. {example}";
            return false;
        }

        value = n;
        return true;
    }

    private static string? OptionValue(string[] args, string option)
    {
        var at = Array.IndexOf(args, option);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
