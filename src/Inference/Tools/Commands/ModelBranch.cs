using Spectre.Console.Cli;

namespace WPAI.Inference.Tools.Commands;

/// <summary>
/// <c>model inspect|optimize|batch|fp16|int8</c>, the model tools: registered under <c>wpai model</c> and under the model
/// server's own <c>WPAI.Inference model</c> (<see cref="ModelTool"/>).
/// </summary>
public static class ModelBranch
{
    public const string Name = "model";

    public static void Register(IConfigurator config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.AddBranch(Name, model =>
        {
            model.SetDescription("Model tools: inspect an ONNX model, optimize its graph, make its batch dimension dynamic, convert it to FP16 or quantize it to INT8.");
            model.AddCommand<ModelInspectCommand>("inspect")
                .WithDescription("Print the model's inputs, outputs, opsets, size and operators.")
                .WithExample(Name, "inspect", "model.onnx");
            model.AddCommand<ModelOptimizeCommand>("optimize")
                .WithDescription("ONNX Runtime offline graph optimization.")
                .WithExample(Name, "optimize", "model.onnx", "--level", "extended");
            model.AddCommand<ModelBatchCommand>("batch")
                .WithDescription("Make the batch (first) dimension dynamic.")
                .WithExample(Name, "batch", "model.onnx", "--dynamic");
            model.AddCommand<ModelFp16Command>("fp16")
                .WithDescription("Fold BatchNorm and convert to FP16; inputs and outputs stay FP32 through Cast nodes.")
                .WithExample(Name, "fp16", "model.onnx");
            model.AddCommand<ModelInt8Command>("int8")
                .WithDescription("Static QDQ INT8: per-channel INT8 weights with INT32 biases, 8-bit activations calibrated on samples.")
                .WithExample(Name, "int8", "model.onnx", "--calibration", "samples/");
        });
    }
}
