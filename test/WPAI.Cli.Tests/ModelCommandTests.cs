using WPAI.Inference.Tools;

namespace WPAI.Cli.Tests;

/// <summary><c>wpai model …</c> and the model server's own <c>WPAI.Inference model …</c>: the same typed commands.</summary>
public sealed class ModelCommandTests
{
    [Fact]
    public async Task Help_ModelInt8_ListsItsTypedOptions()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "model", "int8", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("wpai model int8 <FILE> [OPTIONS]", run.Output, StringComparison.Ordinal);
        Assert.Contains("--calibration <DIR>", run.Output, StringComparison.Ordinal);
        Assert.Contains("--max-samples <N>", run.Output, StringComparison.Ordinal);
        Assert.Contains("--method <METHOD>", run.Output, StringComparison.Ordinal);
        Assert.Contains("--activations <TYPE>", run.Output, StringComparison.Ordinal);
        Assert.Contains("--output <FILE>", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Model_ListsTheVerbs()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "model", "--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var verb in new[] { "inspect", "optimize", "batch", "fp16", "int8" })
        {
            Assert.Contains(verb + " <FILE>", run.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(new[] { "model", "int8", "m.onnx" }, "error: --calibration is required: pass a folder of .npy or .json sample inputs\n")]
    [InlineData(new[] { "model", "int8", "m.onnx", "--calibration", "d", "--max-samples", "0" }, "error: --max-samples must be a positive integer, got '0'\n")]
    [InlineData(new[] { "model", "optimize", "m.onnx", "--level", "turbo" }, "error: --level: graph optimization level 'turbo' is not known; fix: use none, basic, extended or all\n")]
    [InlineData(new[] { "model", "batch", "m.onnx" }, "error: batch needs --dynamic (the only supported change: make the first dimension dynamic)\n")]
    public async Task BadOptions_ExitTwoWithOneLine(string[] args, string expected)
    {
        var run = await CliRun.RunAsync(new RecordingClient(), args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expected, run.Error);
    }

    [Fact]
    public async Task MissingModelFile_ExitsTwoNamingIt()
    {
        var run = await CliRun.RunAsync(new RecordingClient(), "model", "inspect", "/nonexistent/m.onnx");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("/nonexistent/m.onnx", run.Error, StringComparison.Ordinal);
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelServerEntry_RunsTheSameTypedCommands()
    {
        using var output = new StringWriter();

        Assert.Equal(0, await ModelTool.RunAsync(["int8", "--help"], output));
        Assert.Contains("WPAI.Inference model int8 <FILE> [OPTIONS]", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("--calibration <DIR>", output.ToString(), StringComparison.Ordinal);

        using var errors = new StringWriter();
        Assert.Equal(2, await ModelTool.RunAsync(["optimize", "m.onnx"], errors));
        Assert.Equal("error: --level is required: pass basic, extended or all", errors.ToString().Trim());
    }
}
