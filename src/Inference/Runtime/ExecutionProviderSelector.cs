using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace WPAI.Inference.Runtime;

/// <summary>Appends the configured execution providers in order, falling back (logged) when one is unavailable; CPU always remains.</summary>
public static partial class ExecutionProviderSelector
{
    /// <summary>Returns the providers that were appended (CPU last).</summary>
    public static IReadOnlyList<string> Apply(SessionOptions options, IReadOnlyList<string> requested, string model, ILogger logger)
    {
        var available = OrtEnv.Instance().GetAvailableProviders();
        var used = new List<string>();
        foreach (var name in requested)
        {
            if (name == "cpu")
            {
                break;
            }

            var ortName = name == "cuda" ? "CUDAExecutionProvider" : "TensorrtExecutionProvider";
            if (!available.Contains(ortName))
            {
                LogProviderFallback(logger, model, name, $"{ortName} is not in this ONNX Runtime build (it needs Microsoft.ML.OnnxRuntime.Gpu 1.31 with CUDA 13 and cuDNN 9)");
                continue;
            }

            try
            {
                if (name == "cuda")
                {
                    options.AppendExecutionProvider_CUDA(0);
                }
                else
                {
                    options.AppendExecutionProvider_Tensorrt(0);
                }

                used.Add(name);
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
            {
                LogProviderFallback(logger, model, name, ex.Message);
            }
        }

        used.Add("cpu");
        return used;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model}: execution provider {Provider} unavailable, falling back: {Reason}")]
    private static partial void LogProviderFallback(ILogger logger, string model, string provider, string reason);
}
