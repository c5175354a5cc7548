using Onnx;

namespace WPAI.Inference.Tools;

/// <summary>
/// Static QDQ quantization: per-channel symmetric INT8 weights, INT8 activations (asymmetric, ranges calibrated on sample
/// inputs), INT32 biases (scale = input scale × weight scale). BatchNorm is folded first and a Relu that alone follows a
/// quantized Conv/Add is absorbed into that node's QuantizeLinear (zero point at the bottom of the range clamps exactly like Relu).
/// The result is a standard ONNX opset-13 QDQ graph that ONNX Runtime turns into integer kernels (QLinearConv, QLinearAdd).
/// </summary>
public static class Int8Quantizer
{
    private static readonly HashSet<string> WeightOps = new(StringComparer.Ordinal) { "Conv", "Gemm", "MatMul" };

    public static Int8Report Quantize(ModelProto model, IReadOnlyList<CalibrationSample> samples, CalibrationMethod method = CalibrationMethod.Mse, bool unsignedActivations = true)
    {
        var folded = GraphTransforms.FoldBatchNorm(model);
        GraphTransforms.UpgradeOpset(model, 13);
        GraphTransforms.RemoveUnusedInitializers(model);
        var graph = model.Graph;
        graph.ValueInfo.Clear();
        var inits = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var consumers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var input in node.Input)
            {
                if (!consumers.TryGetValue(input, out var list))
                {
                    consumers[input] = list = [];
                }

                list.Add(node);
            }
        }

        bool IsActivation(string t) => t.Length > 0 && !inits.ContainsKey(t);
        var quantized = graph.Node.Where(n => IsQuantizable(n, inits, IsActivation)).ToHashSet<NodeProto>(ReferenceEqualityComparer.Instance);

        // Relu absorbed into the QuantizeLinear of the node before it.
        var fused = new Dictionary<NodeProto, NodeProto>(ReferenceEqualityComparer.Instance);
        foreach (var node in quantized)
        {
            var y = node.Output[0];
            if (!graphOutputs.Contains(y) && consumers.TryGetValue(y, out var readers) && readers.Count == 1 && readers[0].OpType == "Relu")
            {
                fused[node] = readers[0];
            }
        }

        string OutputName(NodeProto node) => fused.TryGetValue(node, out var relu) ? relu.Output[0] : node.Output[0];

        var qdq = new List<string>();
        var qdqSet = new HashSet<string>(StringComparer.Ordinal);
        void Mark(string t)
        {
            if (qdqSet.Add(t))
            {
                qdq.Add(t);
            }
        }

        foreach (var node in graph.Node.Where(quantized.Contains))
        {
            var activations = node.OpType == "Add" ? node.Input.ToArray() : [node.Input[0]];
            foreach (var a in activations)
            {
                Mark(a);
            }

            // An output gets Q/DQ only when an integer kernel reads it; quantizing a tensor that only float ops read adds error and saves nothing.
            var y = OutputName(node);
            if (!graphOutputs.Contains(y) && consumers.TryGetValue(y, out var next) && next.Any(n => quantized.Contains(n) || n.OpType == "MaxPool"))
            {
                Mark(y);
            }
            else
            {
                fused.Remove(node);
            }
        }

        var sameAs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pool in graph.Node.Where(n => n.OpType == "MaxPool" && n.Output.Count == 1 && qdqSet.Contains(n.Input[0]) && !graphOutputs.Contains(n.Output[0])))
        {
            Mark(pool.Output[0]);
            sameAs[pool.Output[0]] = pool.Input[0];
        }

        var ranges = Calibrator.Collect(model, qdq.Where(t => !sameAs.ContainsKey(t)).ToArray(), samples, method);
        var parameters = new Dictionary<string, (float Scale, int ZeroPoint)>(StringComparer.Ordinal);
        foreach (var t in qdq.Where(t => !sameAs.ContainsKey(t)))
        {
            parameters[t] = ActivationParameters(ranges[t].Min, ranges[t].Max, unsignedActivations);
        }

        foreach (var (output, input) in sameAs)
        {
            parameters[output] = parameters[input];
        }

        // Rewrite.
        foreach (var (node, relu) in fused)
        {
            node.Output[0] = relu.Output[0];
        }

        var removed = fused.Values.ToHashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var nodes = new List<NodeProto>();
        var newInits = new List<TensorProto>();
        void EmitQdq(string t)
        {
            var (scale, zp) = parameters[t];
            newInits.Add(OnnxTensors.Scalar(t + "_scale", scale));
            newInits.Add(unsignedActivations ? OnnxTensors.Create<byte>(t + "_zero_point", [], OnnxTensors.UInt8, [(byte)zp]) : OnnxTensors.ScalarInt8(t + "_zero_point", (sbyte)zp));
            nodes.Add(OnnxNodes.Node("QuantizeLinear", t + "_QuantizeLinear", [t, t + "_scale", t + "_zero_point"], [t + "_quantized"]));
            nodes.Add(OnnxNodes.Node("DequantizeLinear", t + "_DequantizeLinear", [t + "_quantized", t + "_scale", t + "_zero_point"], [t + "_dq"]));
        }

        foreach (var input in graph.Input.Where(i => qdqSet.Contains(i.Name)))
        {
            EmitQdq(input.Name);
        }

        var weightsQuantized = 0;
        foreach (var node in graph.Node)
        {
            if (removed.Contains(node))
            {
                continue;
            }

            var activationScale = quantized.Contains(node) && parameters.TryGetValue(node.Input[0], out var p) ? p.Scale : 0f;
            for (var k = 0; k < node.Input.Count; k++)
            {
                if (qdqSet.Contains(node.Input[k]))
                {
                    node.Input[k] = node.Input[k] + "_dq";
                }
            }

            if (quantized.Contains(node) && WeightOps.Contains(node.OpType))
            {
                QuantizeWeightAndBias(node, inits, activationScale, nodes, newInits);
                weightsQuantized++;
            }

            nodes.Add(node);
            foreach (var output in node.Output.Where(qdqSet.Contains))
            {
                EmitQdq(output);
            }
        }

        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        graph.Initializer.AddRange(newInits);
        GraphTransforms.RemoveUnusedInitializers(model);
        return new Int8Report(folded, weightsQuantized, quantized.Count(n => n.OpType == "Add"), fused.Count, qdq.Count, samples.Count);
    }

    /// <summary>Asymmetric 8-bit parameters covering [min(0,min), max(0,max)]: zero point in 0..255 (unsigned) or -128..127 (signed).</summary>
    public static (float Scale, int ZeroPoint) ActivationParameters(float min, float max, bool unsigned)
    {
        var rmin = MathF.Min(0, min);
        var rmax = MathF.Max(0, max);
        var lowest = unsigned ? 0 : -128;
        if (!float.IsFinite(rmin) || !float.IsFinite(rmax) || rmax - rmin < 1e-12f)
        {
            return (1f, unsigned ? 0 : 0);
        }

        var scale = (rmax - rmin) / 255f;
        var zp = MathF.Round(lowest - (rmin / scale));
        return (scale, (int)Math.Clamp(zp, lowest, lowest + 255));
    }

    private static bool IsQuantizable(NodeProto node, Dictionary<string, TensorProto> inits, Func<string, bool> isActivation)
    {
        switch (node.OpType)
        {
            case "Conv":
                return node.Input.Count >= 2 && isActivation(node.Input[0]) && inits.TryGetValue(node.Input[1], out var w) && w.DataType == OnnxTensors.Float
                    && (node.Input.Count < 3 || node.Input[2].Length == 0 || inits.ContainsKey(node.Input[2]));
            case "Gemm":
                return isActivation(node.Input[0]) && inits.TryGetValue(node.Input[1], out var g) && g.DataType == OnnxTensors.Float && g.Dims.Count == 2
                    && OnnxNodes.GetInt(node, "transA", 0) == 0 && OnnxNodes.GetFloat(node, "alpha", 1f) == 1f && OnnxNodes.GetFloat(node, "beta", 1f) == 1f
                    && (node.Input.Count < 3 || (inits.TryGetValue(node.Input[2], out var c) && c.Dims.Count == 1));
            case "MatMul":
                return isActivation(node.Input[0]) && inits.TryGetValue(node.Input[1], out var m) && m.DataType == OnnxTensors.Float && m.Dims.Count == 2;
            case "Add":
                return node.Input.Count == 2 && isActivation(node.Input[0]) && isActivation(node.Input[1]);
            default:
                return false;
        }
    }

    private static void QuantizeWeightAndBias(NodeProto node, Dictionary<string, TensorProto> inits, float activationScale, List<NodeProto> nodes, List<TensorProto> newInits)
    {
        var weight = inits[node.Input[1]];
        var axis = node.OpType switch
        {
            "Conv" => 0,
            "Gemm" => OnnxNodes.GetInt(node, "transB", 0) == 1 ? 0 : 1,
            _ => 1,
        };
        var dims = weight.Dims.ToArray();
        var channels = (int)dims[axis];
        var inner = (int)dims.Skip(axis + 1).Aggregate(1L, (a, d) => a * d);
        var values = OnnxTensors.ReadFloats(weight);
        var maxAbs = new float[channels];
        for (var i = 0; i < values.Length; i++)
        {
            var c = (i / inner) % channels;
            maxAbs[c] = MathF.Max(maxAbs[c], MathF.Abs(values[i]));
        }

        var scales = maxAbs.Select(m => m > 0 ? m / 127f : 1f).ToArray();
        var q = new sbyte[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var c = (i / inner) % channels;
            q[i] = (sbyte)Math.Clamp(MathF.Round(values[i] / scales[c]), -127f, 127f);
        }

        var name = weight.Name;
        newInits.Add(OnnxTensors.Create<sbyte>(name + "_quantized", dims, OnnxTensors.Int8, q));
        newInits.Add(OnnxTensors.Create<float>(name + "_scale", [channels], OnnxTensors.Float, scales));
        newInits.Add(OnnxTensors.Create<sbyte>(name + "_zero_point", [channels], OnnxTensors.Int8, new sbyte[channels]));
        nodes.Add(OnnxNodes.Node("DequantizeLinear", name + "_DequantizeLinear_" + node.Output[0], [name + "_quantized", name + "_scale", name + "_zero_point"], [name + "_dq_" + node.Output[0]], OnnxNodes.Int("axis", axis)));
        node.Input[1] = name + "_dq_" + node.Output[0];

        if (node.Input.Count > 2 && node.Input[2].Length > 0 && activationScale > 0)
        {
            var biasTensor = inits[node.Input[2]];
            var bias = OnnxTensors.ReadFloats(biasTensor);
            if (bias.Length != channels)
            {
                return;
            }

            var biasScales = scales.Select(s => s * activationScale).ToArray();
            var bq = new int[channels];
            for (var c = 0; c < channels; c++)
            {
                bq[c] = (int)Math.Clamp(Math.Round(bias[c] / (double)biasScales[c]), int.MinValue, int.MaxValue);
            }

            var b = biasTensor.Name + "_" + node.Output[0];
            newInits.Add(OnnxTensors.Create<int>(b + "_quantized", [channels], OnnxTensors.Int32, bq));
            newInits.Add(OnnxTensors.Create<float>(b + "_scale", [channels], OnnxTensors.Float, biasScales));
            newInits.Add(OnnxTensors.Create<int>(b + "_zero_point", [channels], OnnxTensors.Int32, new int[channels]));
            nodes.Add(OnnxNodes.Node("DequantizeLinear", b + "_DequantizeLinear", [b + "_quantized", b + "_scale", b + "_zero_point"], [b + "_dq"], OnnxNodes.Int("axis", 0)));
            node.Input[2] = b + "_dq";
        }
    }
}
