using System.Diagnostics;

namespace WPAI.Cli.Tests.Simulate;

/// <summary>
/// A running <c>wpai simulate</c> (the real command-line process) ends on SIGTERM and on SIGINT (Ctrl+C): the replay's
/// in-process silo must not claim the console's signals (a host's console lifetime swallows them and the replay loop ran on).
/// </summary>
public sealed class SimulateSignalTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "wpai-signal-" + Guid.NewGuid().ToString("N")[..8]);

    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("INT", 130)]
    public async Task RunningSimulation_EndsOnTheSignal(string signal, int expectedExitCode)
    {
        // A month of 100,000 synthetic jobs takes minutes: long enough to be signalled while it replays.
        var cli = Path.Combine(AppContext.BaseDirectory, "WPAI.Cli.dll");
        // Through env --default-signal: a test run started in the background by a non-interactive shell inherits SIGINT
        // ignored (POSIX), and the CLI would inherit that too; a user at a terminal has the default disposition.
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--default-signal=INT,TERM", "dotnet", cli, "simulate", "--synthetic", "--jobs", "100000", "--node-count", "1000", "--days", "30", "--policies", "wpai", "--out", _out })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var replaying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            // "simulating: 0%" comes before the silo starts; a later percentage means the replay loop is calling grains.
            if (e.Data is { } line && line.StartsWith("simulating: ", StringComparison.Ordinal) && line != "simulating: 0%")
            {
                replaying.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await replaying.Task.WaitAsync(TimeSpan.FromMinutes(5)); // the replay is under way
            using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(bound.Token); // throws if the signal was ignored
            Assert.Equal(expectedExitCode, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }
}
