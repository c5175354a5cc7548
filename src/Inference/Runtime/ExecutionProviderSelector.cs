using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace WPAI.Inference.Runtime;

/// <summary>
/// Appends the configured execution providers in order, falling back (logged, with the reason) when one does not
/// load; CPU always remains. The server references Microsoft.ML.OnnxRuntime.Gpu.Linux, whose CUDA and TensorRT
/// providers need CUDA 13, cuDNN 9 (and TensorRT) on the machine at run time.
/// </summary>
public static partial class ExecutionProviderSelector
{
    private static readonly (string Name, string OrtName)[] Providers =
        [("tensorrt", "TensorrtExecutionProvider"), ("cuda", "CUDAExecutionProvider"), ("cpu", "CPUExecutionProvider")];

    /// <summary>Returns the providers that were appended (CPU last).</summary>
    public static IReadOnlyList<string> Apply(SessionOptions options, IReadOnlyList<string> requested, string model, ILogger logger)
    {
        var used = new List<string>();
        foreach (var name in requested.TakeWhile(n => n != "cpu"))
        {
            if (TryAppend(options, name, out var reason))
            {
                used.Add(name);
            }
            else
            {
                LogProviderFallback(logger, model, name, reason);
            }
        }

        used.Add("cpu");
        return used;
    }

    /// <summary>Tries every provider on a scratch session options object: which load here, and why the others do not.</summary>
    public static IReadOnlyList<ProviderStatus> Check()
    {
        var statuses = new List<ProviderStatus>();
        foreach (var (name, _) in Providers)
        {
            using var options = new SessionOptions();
            statuses.Add(TryAppend(options, name, out var reason)
                ? new ProviderStatus(name, true, name == "cpu" ? "always available" : "provider library and its CUDA dependencies loaded")
                : new ProviderStatus(name, false, reason));
        }

        return statuses;
    }

    private static bool TryAppend(SessionOptions options, string name, out string reason)
    {
        reason = string.Empty;
        if (name == "cpu")
        {
            return true;
        }

        var ortName = Providers.Single(p => p.Name == name).OrtName;
        if (!OrtEnv.Instance().GetAvailableProviders().Contains(ortName))
        {
            reason = $"{ortName} is not in this ONNX Runtime build ({OrtEnv.Instance().GetVersionString()}; it needs Microsoft.ML.OnnxRuntime.Gpu.Linux)";
            return false;
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

            return true;
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            reason = $"{ortName} did not load: {ex.Message.Trim()} (it needs an NVIDIA driver, CUDA 13 and cuDNN 9{(name == "tensorrt" ? ", and TensorRT" : string.Empty)} on the library path)";
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model}: execution provider {Provider} unavailable, falling back: {Reason}")]
    private static partial void LogProviderFallback(ILogger logger, string model, string provider, string reason);
}
