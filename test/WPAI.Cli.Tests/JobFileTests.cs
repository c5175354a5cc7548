namespace WPAI.Cli.Tests;

/// <summary><c>wpai job submit --file jobs.csv</c>: every row becomes one spec of a single batched submit; bad rows are refused with file and line.</summary>
public sealed class JobFileTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "wpai-jobs-" + Guid.NewGuid().ToString("N")[..8] + ".csv");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public async Task JobSubmitFile_SubmitsEveryRowInOneBatch()
    {
        await File.WriteAllTextAsync(_file, "id,dept,gpus,cpu,memory,gpu-models,duration\nr-1,research,4,16,64Gi,\"T4,P40\",1h30m\nr-2,vision,1,2,8Gi,T4,10m\n");
        var client = new RecordingClient();

        var run = await CliRun.RunAsync(client, "job", "submit", "--file", _file);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["r-1", "r-2"], client.SubmittedSpecs.Select(s => s.JobId));
        var first = client.SubmittedSpecs[0];
        Assert.Equal(("research", 4, 16_000, 65_536L, TimeSpan.FromMinutes(90)), (first.Department, first.Gpus, first.CpuMilli, first.MemoryMib, first.Duration));
        Assert.Equal(["T4", "P40"], first.GpuModels.ToArray());
        Assert.Contains("2 jobs submitted", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JobSubmitFile_BadRow_ExitCode2NamingFileAndLine_NothingSubmitted()
    {
        await File.WriteAllTextAsync(_file, "id,dept,gpus,cpu,memory,gpu-models,duration\nr-1,research,4,8,8Gi,T4,1h\nr-2,research,lots,8,8Gi,T4,1h\n");
        var client = new RecordingClient();

        var run = await CliRun.RunAsync(client, "job", "submit", "--file", _file);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{_file}:3", CliRun.Normalize(run.Error), StringComparison.Ordinal);
        Assert.Empty(client.SubmittedSpecs);
    }
}
