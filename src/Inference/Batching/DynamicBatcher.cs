using System.Threading.Channels;
using WPAI.Inference.Models;

namespace WPAI.Inference.Batching;

/// <summary>
/// A per-model bounded queue whose workers form batches up to the max batch size, stop early at a preferred size
/// when the queue is empty, and wait at most the max queue delay (counted from the oldest request) for more.
/// </summary>
public sealed class DynamicBatcher : IInferenceScheduler
{
    private readonly Channel<InferenceJob> _queue;
    private readonly BatchExecutor _executor;
    private readonly TimeProvider _timeProvider;
    private readonly string _model;
    private readonly int _maxBatchSize;
    private readonly DynamicBatchingConfig _config;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _workers;
    private int _queued;

    public DynamicBatcher(string model, ModelConfig config, BatchExecutor executor, TimeProvider timeProvider)
    {
        _model = model;
        _config = config.DynamicBatching;
        _maxBatchSize = config.MaxBatchSize;
        _executor = executor;
        _timeProvider = timeProvider;
        _queue = Channel.CreateBounded<InferenceJob>(new BoundedChannelOptions(_config.MaxQueueSize)
        {
            SingleReader = config.InstanceCount == 1,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _workers = Enumerable.Range(0, config.InstanceCount).Select(_ => Task.Run(() => WorkAsync(_stopping.Token))).ToArray();
    }

    public int QueueLength => Volatile.Read(ref _queued);

    public Task<Tensors.TensorBuffer[]> EnqueueAsync(InferenceJob job, CancellationToken cancellationToken)
    {
        if (job.Rows > _maxBatchSize)
        {
            throw new ArgumentException($"batch of {job.Rows} exceeds the model's maxBatchSize {_maxBatchSize}; split the request");
        }

        Interlocked.Increment(ref _queued);
        if (!_queue.Writer.TryWrite(job))
        {
            Interlocked.Decrement(ref _queued);
            throw new QueueFullException(_model, _config.MaxQueueSize);
        }

        return job.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_workers);
        }
        catch (OperationCanceledException)
        {
        }

        while (_queue.Reader.TryRead(out var job))
        {
            job.Completion.TrySetException(new ObjectDisposedException(_model, "the model was unloaded"));
        }

        _stopping.Dispose();
    }

    private async Task WorkAsync(CancellationToken stopping)
    {
        var reader = _queue.Reader;
        var batch = new List<InferenceJob>(_maxBatchSize);
        InferenceJob? carry = null;
        while (!stopping.IsCancellationRequested)
        {
            InferenceJob first;
            if (carry is not null)
            {
                first = carry;
                carry = null;
            }
            else
            {
                if (!await reader.WaitToReadAsync(stopping))
                {
                    return;
                }

                if (!reader.TryRead(out first!))
                {
                    continue;
                }

                Interlocked.Decrement(ref _queued);
            }

            batch.Add(first);
            var rows = first.Rows;
            var deadline = first.EnqueuedTimestamp + (long)(_config.MaxQueueDelay.TotalSeconds * _timeProvider.TimestampFrequency);
            while (rows < _maxBatchSize)
            {
                if (reader.TryRead(out var next))
                {
                    Interlocked.Decrement(ref _queued);
                    if (rows + next.Rows <= _maxBatchSize && _executor.Compatible(first, next))
                    {
                        batch.Add(next);
                        rows += next.Rows;
                        continue;
                    }

                    carry = next;
                    break;
                }

                if (IsPreferred(rows))
                {
                    break;
                }

                var remaining = _timeProvider.GetElapsedTime(_timeProvider.GetTimestamp(), deadline);
                if (remaining <= TimeSpan.Zero)
                {
                    break;
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                using var timer = _timeProvider.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), wait, remaining, Timeout.InfiniteTimeSpan);
                try
                {
                    if (!await reader.WaitToReadAsync(wait.Token))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                {
                    break;
                }
            }

            _executor.Execute(batch);
            batch.Clear();
        }
    }

    private bool IsPreferred(int rows)
    {
        foreach (var size in _config.PreferredBatchSizes)
        {
            if (size == rows)
            {
                return true;
            }
        }

        return false;
    }
}
