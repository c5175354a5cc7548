using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;
using WPAI.Inference.Models;
using WPAI.Inference.Tensors;

namespace WPAI.Inference.Runtime;

/// <summary>One ONNX Runtime session for one model version, shared by all requests; runs with OrtValues over pinned pooled buffers.</summary>
public sealed class ModelSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;

    private ModelSession(InferenceSession session, IReadOnlyList<TensorSpec> inputs, IReadOnlyList<TensorSpec> outputs, IReadOnlyList<string> providers)
    {
        _session = session;
        Inputs = inputs;
        Outputs = outputs;
        Providers = providers;
        _inputNames = inputs.Select(i => i.Name).ToArray();
    }

    public IReadOnlyList<TensorSpec> Inputs { get; }

    public IReadOnlyList<TensorSpec> Outputs { get; }

    public IReadOnlyList<string> Providers { get; }

    /// <summary>Opens a session; throws <see cref="ModelLoadException"/> when the file is not a usable model.</summary>
    public static ModelSession Open(string modelPath, ModelConfig config, string modelName, ILogger logger)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = config.GraphOptimizationLevel,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        if (config.IntraOpThreads > 0)
        {
            options.IntraOpNumThreads = config.IntraOpThreads;
        }

        try
        {
            var providers = ExecutionProviderSelector.Apply(options, config.ExecutionProviders, modelName, logger);
            InferenceSession session;
            try
            {
                session = new InferenceSession(modelPath, options);
            }
            catch (OnnxRuntimeException ex)
            {
                throw new ModelLoadException($"'{modelPath}' could not be loaded by ONNX Runtime: {ex.Message}");
            }

            try
            {
                var inputs = Describe(session.InputMetadata, modelPath, "input");
                var outputs = Describe(session.OutputMetadata, modelPath, "output");
                return new ModelSession(session, inputs, outputs, providers);
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }
        finally
        {
            options.Dispose();
        }
    }

    /// <summary>Runs the model once. Inputs are in <see cref="Inputs"/> order; returns the requested outputs in pooled buffers.</summary>
    public TensorBuffer[] Run(IReadOnlyList<TensorBuffer> inputs, IReadOnlyList<TensorSpec> outputs)
    {
        var handles = ArrayPool<System.Buffers.MemoryHandle>.Shared.Rent(inputs.Count);
        var values = new OrtValue[inputs.Count];
        try
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                var input = inputs[i];
                if (input.DataType == TensorDataType.Bytes)
                {
                    values[i] = StringTensor(input);
                    continue;
                }

                handles[i] = input.Array.AsMemory().Pin();
                unsafe
                {
                    values[i] = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, input.DataType.ToOnnx(), input.Shape, (IntPtr)handles[i].Pointer, input.ByteLength);
                }
            }

            var outputNames = new string[outputs.Count];
            for (var i = 0; i < outputs.Count; i++)
            {
                outputNames[i] = outputs[i].Name;
            }

            using var results = _session.Run(_runOptions, _inputNames, values, outputNames);
            var buffers = new TensorBuffer[outputs.Count];
            var index = 0;
            foreach (var result in results)
            {
                var shape = result.GetTensorTypeAndShape().Shape;
                buffers[index] = outputs[index].DataType == TensorDataType.Bytes
                    ? FromStringTensor(outputs[index].Name, result, shape)
                    : CopyOut(outputs[index], result, shape);
                index++;
            }

            return buffers;
        }
        finally
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                values[i]?.Dispose();
                handles[i].Dispose();
            }

            ArrayPool<System.Buffers.MemoryHandle>.Shared.Return(handles, clearArray: true);
        }
    }

    private static TensorBuffer CopyOut(TensorSpec spec, OrtValue result, long[] shape)
    {
        var buffer = new TensorBuffer(spec.Name, spec.DataType, shape);
        result.GetTensorMutableRawData().CopyTo(buffer.Bytes);
        return buffer;
    }

    /// <summary>ONNX Runtime keeps strings as UTF-8; BYTES elements are handed over as UTF-8 text.</summary>
    private static OrtValue StringTensor(TensorBuffer input)
    {
        var elements = new List<Range>();
        if (!BytesElements.TrySplit(input.Bytes, input.ElementCount, elements, out var reason))
        {
            throw new ArgumentException($"input '{input.Name}' is not valid BYTES data: {reason}");
        }

        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, input.Shape);
        for (var e = 0; e < elements.Count; e++)
        {
            value.StringTensorSetElementAt(System.Text.Encoding.UTF8.GetString(input.Bytes[elements[e]]).AsSpan(), e);
        }

        return value;
    }

    private static TensorBuffer FromStringTensor(string name, OrtValue result, long[] shape)
    {
        var count = (int)ShapeMath.ElementCount(shape);
        var strings = new string[count];
        var size = 0;
        for (var e = 0; e < count; e++)
        {
            strings[e] = result.GetStringElement(e);
            size = checked(size + 4 + System.Text.Encoding.UTF8.GetByteCount(strings[e]));
        }

        var buffer = new TensorBuffer(name, TensorDataType.Bytes, shape, size);
        var offset = 0;
        foreach (var text in strings)
        {
            offset = BytesElements.Write(buffer.Bytes, offset, System.Text.Encoding.UTF8.GetBytes(text));
        }

        return buffer;
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    private static TensorSpec[] Describe(IReadOnlyDictionary<string, NodeMetadata> metadata, string path, string kind)
    {
        var specs = new List<TensorSpec>();
        foreach (var (name, meta) in metadata)
        {
            if (!meta.IsTensor || !TensorDataTypes.TryFromOnnx(meta.ElementDataType, out var type))
            {
                throw new ModelLoadException($"'{path}': {kind} '{name}' has type {meta.ElementDataType}, which the server does not serve (supported: {TensorDataTypes.Supported})");
            }

            specs.Add(new TensorSpec(name, type, meta.Dimensions.Select(d => (long)d).ToArray()));
        }

        return specs.ToArray();
    }
}
