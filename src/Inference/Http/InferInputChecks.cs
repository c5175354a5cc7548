using WPAI.Inference.Models;
using WPAI.Inference.Runtime;
using WPAI.Inference.Tensors;

namespace WPAI.Inference.Http;

/// <summary>
/// The checks every infer request passes, whatever its encoding (JSON, binary tensor data, gRPC): the input exists,
/// its datatype and shape match the model, each input comes once, none is missing, the batch sizes agree.
/// </summary>
public static class InferInputChecks
{
    /// <summary>Returns the model's spec for input <paramref name="name"/> after checking its datatype name and shape.</summary>
    public static (int Index, TensorSpec Spec) Check(ModelVersion model, string name, string? typeName, long[] shape)
    {
        var inputs = model.Session!.Inputs;
        var index = IndexOf(inputs, name);
        if (index < 0)
        {
            throw Bad($"model '{model.Model}' has no input '{name}'; its inputs are {string.Join(", ", inputs.Select(s => $"'{s.Name}'"))}");
        }

        var spec = inputs[index];
        if (!TensorDataTypes.TryParse(typeName, out var type))
        {
            throw Bad($"input '{name}' has datatype '{typeName}', which is not one of {TensorDataTypes.Supported}");
        }

        if (type != spec.DataType)
        {
            throw Bad($"input '{name}' has datatype {typeName} but model '{model.Model}' expects {spec.DataType.ToKServe()}; convert the data to {spec.DataType.ToKServe()}");
        }

        CheckShape(name, shape, spec, model);
        return (index, spec);
    }

    /// <summary>Checks that every input is present once and that the batch dimensions agree; returns the rows.</summary>
    public static int Rows(ModelVersion model, TensorBuffer?[] buffers)
    {
        var missing = model.Session!.Inputs.Where((spec, i) => buffers[i] is null).Select(s => $"'{s.Name}'").ToArray();
        if (missing.Length > 0)
        {
            throw Bad($"model '{model.Model}' needs input(s) {string.Join(", ", missing)}, which the request lacks");
        }

        if (!model.Batches)
        {
            return 1;
        }

        var rows = (int)buffers[0]!.Shape[0];
        var other = buffers.FirstOrDefault(b => b!.Shape[0] != rows);
        if (other is not null)
        {
            throw Bad($"inputs disagree on the batch size: '{buffers[0]!.Name}' has {rows} rows, '{other.Name}' has {other.Shape[0]}; send the same first dimension for every input");
        }

        return rows;
    }

    /// <summary>Checks that an input is not given twice.</summary>
    public static void CheckOnce(TensorBuffer?[] buffers, int index, string name)
    {
        if (buffers[index] is not null)
        {
            throw Bad($"input '{name}' appears twice; send each input once");
        }
    }

    /// <summary>Finds a requested output by name.</summary>
    public static TensorSpec Output(ModelVersion model, string name)
    {
        var outputs = model.Session!.Outputs;
        return outputs.FirstOrDefault(s => s.Name == name)
            ?? throw Bad($"model '{model.Model}' has no output '{name}'; its outputs are {string.Join(", ", outputs.Select(s => $"'{s.Name}'"))}");
    }

    /// <summary>Bytes a fixed-size tensor of this shape holds, refusing sizes beyond one buffer.</summary>
    public static int FixedByteLength(string name, TensorDataType type, long[] shape)
    {
        var bytes = ShapeMath.ElementCount(shape) * type.ElementSize();
        if (bytes > Array.MaxLength)
        {
            throw Bad($"input '{name}' of shape {ShapeMath.Format(shape)} would need {bytes} bytes, more than one request may carry; send fewer rows per request");
        }

        return (int)bytes;
    }

    public static InferenceRequestException Bad(string message) => new(400, message);

    private static void CheckShape(string name, long[] shape, TensorSpec spec, ModelVersion model)
    {
        var expected = ShapeMath.Format(spec.Shape);
        if (shape.Length != spec.Shape.Length)
        {
            throw Bad($"input '{name}' has shape {ShapeMath.Format(shape)} (rank {shape.Length}) but model '{model.Model}' expects {expected} (rank {spec.Shape.Length}; -1 = any)");
        }

        for (var i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0)
            {
                throw Bad($"input '{name}' shape element {i} is {shape[i]}, not a non-negative integer");
            }

            if (spec.Shape[i] >= 0 && shape[i] != spec.Shape[i])
            {
                throw Bad($"input '{name}' has shape {ShapeMath.Format(shape)} but model '{model.Model}' expects {expected}: dimension {i} must be {spec.Shape[i]}");
            }
        }

        if (model.Batches && (shape[0] < 1 || shape[0] > model.Config.MaxBatchSize))
        {
            throw Bad($"input '{name}' has batch size {shape[0]} but model '{model.Model}' accepts 1..{model.Config.MaxBatchSize} (maxBatchSize); split the request");
        }

        try
        {
            ShapeMath.ElementCount(shape);
        }
        catch (OverflowException)
        {
            throw Bad($"input '{name}' has shape {ShapeMath.Format(shape)}, whose element count overflows; send a real shape");
        }
    }

    private static int IndexOf(IReadOnlyList<TensorSpec> specs, string name)
    {
        for (var i = 0; i < specs.Count; i++)
        {
            if (specs[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
