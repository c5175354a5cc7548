using WPAI.Abstractions.Errors;

namespace WPAI.Simulation;

/// <summary>A plain console front for <see cref="SimulationCommand"/> (used by the benchmark harness: <c>simulate ARGS</c>).</summary>
public static class SimulationRunner
{
    public static async Task<int> RunConsoleAsync(string[] args)
    {
        try
        {
            var arguments = SimulationArguments.Parse(args);
            var last = -1;
            var progress = new Progress<double>(f =>
            {
                var percent = (int)(f * 100);
                if (percent / 10 != last / 10)
                {
                    last = percent;
                    Console.Error.Write(FormattableString.Invariant($"\r{percent,3} %"));
                }
            });
            await SimulationCommand.RunAsync(arguments, progress, Console.Out);
            Console.Error.WriteLine();
            return 0;
        }
        catch (WpaiValidationException ex)
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message);
            return 2;
        }
    }
}
