using Onnx;

namespace WPAI.Inference.Tools;

/// <summary>Graph rewrites shared by the model tools: BatchNorm folding, opset upgrade, initializer clean-up.</summary>
public static class GraphTransforms
{
    /// <summary>Ops whose semantics are unchanged between their opset 7/8 form and opset 13 (BatchNormalization is folded first).</summary>
    private static readonly HashSet<string> OpsetSafe = new(StringComparer.Ordinal)
    {
        "Conv", "Relu", "Add", "Sub", "Mul", "Div", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Gemm", "MatMul",
        "Flatten", "Concat", "Softmax", "Identity", "Sigmoid", "Tanh", "Clip", "Cast", "QuantizeLinear", "DequantizeLinear", "Transpose", "LeakyRelu",
    };

    /// <summary>Folds every BatchNormalization that directly follows a Conv (whose output has no other reader) into the Conv's weights and bias.</summary>
    public static int FoldBatchNorm(ModelProto model)
    {
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var consumers = OnnxNodes.ConsumerCounts(graph);
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var n in graph.Node)
        {
            foreach (var o in n.Output)
            {
                producers[o] = n;
            }
        }

        var removed = new List<NodeProto>();
        foreach (var bn in graph.Node.Where(n => n.OpType == "BatchNormalization").ToArray())
        {
            if (bn.Output.Count != 1 || OnnxNodes.GetInt(bn, "spatial", 1) != 1
                || !producers.TryGetValue(bn.Input[0], out var conv) || conv.OpType != "Conv" || consumers.GetValueOrDefault(bn.Input[0]) != 1
                || !initializers.ContainsKey(conv.Input[1]) || bn.Input.Skip(1).Any(i => !initializers.ContainsKey(i)))
            {
                continue;
            }

            var gamma = OnnxTensors.ReadFloats(initializers[bn.Input[1]]);
            var beta = OnnxTensors.ReadFloats(initializers[bn.Input[2]]);
            var mean = OnnxTensors.ReadFloats(initializers[bn.Input[3]]);
            var variance = OnnxTensors.ReadFloats(initializers[bn.Input[4]]);
            var epsilon = OnnxNodes.GetFloat(bn, "epsilon", 1e-5f);
            var weightTensor = initializers[conv.Input[1]];
            var weights = OnnxTensors.ReadFloats(weightTensor);
            var channels = (int)weightTensor.Dims[0];
            var perChannel = weights.Length / channels;
            var bias = conv.Input.Count > 2 && initializers.TryGetValue(conv.Input[2], out var b) ? OnnxTensors.ReadFloats(b) : new float[channels];
            var newWeights = new float[weights.Length];
            var newBias = new float[channels];
            for (var c = 0; c < channels; c++)
            {
                var scale = gamma[c] / MathF.Sqrt(variance[c] + epsilon);
                for (var k = 0; k < perChannel; k++)
                {
                    newWeights[(c * perChannel) + k] = weights[(c * perChannel) + k] * scale;
                }

                newBias[c] = ((bias[c] - mean[c]) * scale) + beta[c];
            }

            var weightName = conv.Input[1] + "_bnfolded";
            var biasName = conv.Input[0] + "_" + conv.Output[0] + "_bias_bnfolded";
            graph.Initializer.Add(OnnxTensors.Create<float>(weightName, weightTensor.Dims, OnnxTensors.Float, newWeights));
            graph.Initializer.Add(OnnxTensors.Create<float>(biasName, [channels], OnnxTensors.Float, newBias));
            conv.Input[1] = weightName;
            if (conv.Input.Count > 2)
            {
                conv.Input[2] = biasName;
            }
            else
            {
                conv.Input.Add(biasName);
            }

            conv.Output[0] = bn.Output[0];
            removed.Add(bn);
        }

        foreach (var bn in removed)
        {
            graph.Node.Remove(bn);
        }

        RemoveUnusedInitializers(model);
        return removed.Count;
    }

    /// <summary>Drops initializers no node reads, and initializers listed as graph inputs (IR &lt; 4 style).</summary>
    public static void RemoveUnusedInitializers(ModelProto model)
    {
        var graph = model.Graph;
        var used = graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        foreach (var init in graph.Initializer.Where(i => !used.Contains(i.Name)).ToArray())
        {
            graph.Initializer.Remove(init);
        }

        var names = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var input in graph.Input.Where(i => names.Contains(i.Name) || !used.Contains(i.Name) && !graph.Output.Any(o => o.Name == i.Name)).ToArray())
        {
            graph.Input.Remove(input);
        }

        if (model.IrVersion < 4)
        {
            model.IrVersion = 4;
        }
    }

    /// <summary>Raises the default-domain opset to <paramref name="opset"/> when every op in the graph keeps its meaning; else explains which op blocks it.</summary>
    public static void UpgradeOpset(ModelProto model, long opset)
    {
        var current = OnnxModelFile.DefaultOpset(model);
        if (current >= opset)
        {
            return;
        }

        var blocking = model.Graph.Node.Select(n => n.OpType).Distinct().Where(op => !OpsetSafe.Contains(op)).ToArray();
        if (blocking.Length > 0)
        {
            throw new ModelToolException($"the model uses opset {current} and op(s) {string.Join(", ", blocking)}, which this tool cannot move to opset {opset} safely; re-export the model with opset {opset} or newer");
        }

        foreach (var import in model.OpsetImport.Where(o => string.IsNullOrEmpty(o.Domain) || o.Domain == "ai.onnx"))
        {
            import.Version = opset;
        }

        if (model.IrVersion < 7)
        {
            model.IrVersion = 7;
        }
    }
}
