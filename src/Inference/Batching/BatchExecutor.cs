using WPAI.Inference.Metrics;
using WPAI.Inference.Runtime;
using WPAI.Inference.Tensors;

namespace WPAI.Inference.Batching;

/// <summary>Runs a list of jobs as one batch: concatenates their inputs along dimension 0, runs once, slices the outputs back.</summary>
public sealed class BatchExecutor(ModelSession session, ModelStatistics statistics, TimeProvider timeProvider, bool batched)
{
    /// <summary>BYTES tensors have no fixed row size: such models run each request on its own.</summary>
    private readonly bool _variableLength = session.Inputs.Concat(session.Outputs).Any(s => s.DataType == TensorDataType.Bytes);

    public void Execute(IReadOnlyList<InferenceJob> jobs)
    {
        var start = timeProvider.GetTimestamp();
        foreach (var job in jobs)
        {
            statistics.AddQueueTime(timeProvider.GetElapsedTime(job.EnqueuedTimestamp, start));
        }

        TensorBuffer[]? merged = null;
        TensorBuffer[]? outputs = null;
        try
        {
            IReadOnlyList<TensorBuffer> inputs = jobs.Count == 1 ? jobs[0].Inputs : merged = Concatenate(jobs);
            var afterInput = timeProvider.GetTimestamp();
            outputs = session.Run(inputs, session.Outputs);
            var afterInfer = timeProvider.GetTimestamp();
            var rows = jobs.Sum(j => j.Rows);
            if (jobs.Count == 1)
            {
                jobs[0].Completion.TrySetResult(outputs);
                outputs = null;
            }
            else
            {
                Slice(jobs, outputs, rows);
            }

            statistics.AddExecution(rows, timeProvider.GetElapsedTime(start, afterInput), timeProvider.GetElapsedTime(afterInput, afterInfer), timeProvider.GetElapsedTime(afterInfer));
        }
        catch (Exception ex)
        {
            foreach (var job in jobs)
            {
                job.Completion.TrySetException(ex);
            }
        }
        finally
        {
            if (merged is not null)
            {
                foreach (var m in merged)
                {
                    m.Dispose();
                }
            }

            if (outputs is not null)
            {
                foreach (var o in outputs)
                {
                    o.Dispose();
                }
            }
        }
    }

    /// <summary>True when two jobs can share a batch: every input has the same shape apart from the batch dimension.</summary>
    public bool Compatible(InferenceJob a, InferenceJob b)
    {
        if (!batched || _variableLength)
        {
            return false;
        }

        for (var i = 0; i < a.Inputs.Length; i++)
        {
            if (!a.Inputs[i].Shape.AsSpan(1).SequenceEqual(b.Inputs[i].Shape.AsSpan(1)))
            {
                return false;
            }
        }

        return true;
    }

    private static TensorBuffer[] Concatenate(IReadOnlyList<InferenceJob> jobs)
    {
        var first = jobs[0];
        var rows = jobs.Sum(j => j.Rows);
        var merged = new TensorBuffer[first.Inputs.Length];
        for (var i = 0; i < merged.Length; i++)
        {
            var shape = (long[])first.Inputs[i].Shape.Clone();
            shape[0] = rows;
            merged[i] = new TensorBuffer(first.Inputs[i].Name, first.Inputs[i].DataType, shape);
            var offset = 0;
            foreach (var job in jobs)
            {
                var bytes = job.Inputs[i].Bytes;
                bytes.CopyTo(merged[i].Bytes[offset..]);
                offset += bytes.Length;
            }
        }

        return merged;
    }

    private static void Slice(IReadOnlyList<InferenceJob> jobs, TensorBuffer[] outputs, int rows)
    {
        foreach (var output in outputs)
        {
            if (output.Shape.Length == 0 || output.Shape[0] != rows)
            {
                throw new InvalidOperationException($"output '{output.Name}' has shape {ShapeMath.Format(output.Shape)}, not batch {rows} first: disable dynamic batching for this model (maxBatchSize 0)");
            }
        }

        var row = 0;
        foreach (var job in jobs)
        {
            var parts = new TensorBuffer[outputs.Length];
            for (var o = 0; o < outputs.Length; o++)
            {
                var output = outputs[o];
                var rowBytes = output.ByteLength / rows;
                var shape = (long[])output.Shape.Clone();
                shape[0] = job.Rows;
                parts[o] = new TensorBuffer(output.Name, output.DataType, shape);
                output.Bytes.Slice(row * rowBytes, job.Rows * rowBytes).CopyTo(parts[o].Bytes);
            }

            row += job.Rows;
            job.Completion.TrySetResult(parts);
        }
    }
}
