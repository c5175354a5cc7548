using System.Diagnostics.CodeAnalysis;
using WPAI.Grains.Storage;

namespace WPAI.Grains.Scheduling;

/// <summary>
/// A pool's pending queue with the reasons its jobs wait, persisted incrementally: the entries are spread over
/// <see cref="ShardCount"/> grain states by a stable hash of the job id, each with its own <see cref="GroupCommit"/>,
/// so an enqueue writes (and serializes) one shard, about 1/<see cref="ShardCount"/> of the queue, and a pass writes
/// only the shards it changed. Runs on the scheduler grain's turn (no locks).
/// </summary>
internal sealed class PendingQueue
{
    /// <summary>Fixed: entries are found in their shard by hash, so changing it needs a migration.</summary>
    public const int ShardCount = 16;

    private readonly IPersistentState<PendingQueueShardState>[] _shards;
    private readonly GroupCommit[] _writes;
    private readonly Dictionary<string, QueueEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _reasons = new(StringComparer.Ordinal);
    private readonly HashSet<string> _forwarded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _forwardedPreemptOnlyIn = new(StringComparer.Ordinal);

    // Which jobs this pool may have offered on to their next pool (OfferedOnward): those it offered on in this
    // activation and those it found queued at activation (an earlier activation may have offered them on). Kept until
    // the job starts here, so a job queued here again after a stale removal is still known as offered on.
    private readonly HashSet<string> _offeredOnward = new(StringComparer.Ordinal);
    private readonly HashSet<string> _foundAtActivation = new(StringComparer.Ordinal);
    private bool _offeredOnwardUntracked;

    /// <summary>
    /// How many offered-on jobs are tracked at most: past it the pool stops telling (every start then says it may have
    /// offered the job on), so jobs offered on and started in another pool cannot grow the set without bound.
    /// </summary>
    public const int MaxOfferedOnwardTracked = 1 << 16;

    /// <summary>Declares the shards' grain states; call it while the grain is constructed, so that they are read with the grain's other state.</summary>
    public PendingQueue(IPersistentStateFactory factory, IGrainContext grain, string storage)
    {
        _shards = [.. Enumerable.Range(0, ShardCount).Select(i => factory.Create<PendingQueueShardState>(grain, new PersistentStateAttribute($"queue-{i}", storage)))];
        _writes = [.. _shards.Select(s => new GroupCommit(s.WriteStateAsync))];
    }

    public IReadOnlyCollection<QueueEntry> Entries => _entries.Values;

    public IReadOnlyDictionary<string, string> Reasons => _reasons;

    public int Count => _entries.Count;

    /// <summary>
    /// Indexes the shards as read at activation; <paramref name="legacy"/> (a queue kept whole in the scheduler's own
    /// state) moves into them and is emptied. True when something moved: the caller writes its state without it.
    /// </summary>
    public async Task<bool> LoadAsync(Dictionary<string, QueueEntry> legacy)
    {
        foreach (var entry in _shards.SelectMany(s => s.State.Entries.Values))
        {
            _entries[entry.JobId] = entry;
            _foundAtActivation.Add(entry.JobId);
        }

        _foundAtActivation.UnionWith(legacy.Keys);
        await Task.WhenAll(legacy.Values.Select(PutAsync));
        var moved = legacy.Count > 0;
        legacy.Clear();
        return moved;
    }

    public bool TryGet(string jobId, [MaybeNullWhen(false)] out QueueEntry entry) => _entries.TryGetValue(jobId, out entry);

    /// <summary>Queues (or replaces) an entry; completes when its shard is written.</summary>
    public Task PutAsync(QueueEntry entry)
    {
        Set(entry);
        ForgetForwarded(entry.JobId);
        return _writes[Shard(entry.JobId)].PersistAsync();
    }

    /// <summary>Queues an entry again (a preempted job); written with the next flush.</summary>
    public void Requeue(QueueEntry entry, string reason)
    {
        Set(entry);
        _reasons[entry.JobId] = reason;
        _writes[Shard(entry.JobId)].MarkDirty();
    }

    /// <summary>
    /// Removes the job when its queued attempt is at most <paramref name="attempt"/> (any attempt when null), with its
    /// reason; a later attempt stays queued with its reason.
    /// </summary>
    public bool Remove(string jobId, int? attempt = null)
    {
        if (_entries.TryGetValue(jobId, out var entry) && entry.Attempt > (attempt ?? int.MaxValue))
        {
            return false; // a later attempt stays, with its reason
        }

        _reasons.Remove(jobId);
        if (!_entries.Remove(jobId))
        {
            return false;
        }

        var shard = Shard(jobId);
        _shards[shard].State.Entries.Remove(jobId);
        _writes[shard].MarkDirty();
        return true;
    }

    public void SetReason(string jobId, string reason, bool keepEarlier = false)
    {
        if (!keepEarlier || !_reasons.ContainsKey(jobId))
        {
            _reasons[jobId] = reason;
        }
    }

    public void AppendReason(string jobId, string text) => _reasons[jobId] = _reasons.GetValueOrDefault(jobId) + text;

    /// <summary>
    /// True the first time a job is offered to the next pool (until it is placed or queued again), and again when the offer
    /// names another pool where the job may preempt (<see cref="QueueEntry.PreemptOnlyIn"/>) than the last one did.
    /// </summary>
    public bool MarkForwarded(string jobId, string? preemptOnlyIn)
    {
        if (_forwarded.Add(jobId) || !string.Equals(_forwardedPreemptOnlyIn.GetValueOrDefault(jobId), preemptOnlyIn, StringComparison.Ordinal))
        {
            _forwardedPreemptOnlyIn[jobId] = preemptOnlyIn;
            OfferedOnward(jobId);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Whether this pool may have offered <paramref name="jobId"/> on to its next pool since the job last started here:
    /// false only when this activation saw the job's entries arrive and never offered it on.
    /// </summary>
    public bool MayHaveOfferedOnward(string jobId) =>
        _offeredOnwardUntracked || _offeredOnward.Contains(jobId) || _foundAtActivation.Contains(jobId);

    /// <summary>
    /// The job started in this pool (its start dropped it from the pools it may have reached): forget its offers, the
    /// pending one (<see cref="ForgetForwarded"/>) and that it was ever offered on.
    /// </summary>
    public void StartedHere(string jobId)
    {
        ForgetForwarded(jobId);
        _offeredOnward.Remove(jobId);
        _foundAtActivation.Remove(jobId);
    }

    private void OfferedOnward(string jobId)
    {
        if (_offeredOnwardUntracked)
        {
            return;
        }

        if (_offeredOnward.Count >= MaxOfferedOnwardTracked)
        {
            _offeredOnwardUntracked = true;
            _offeredOnward.Clear();
            return;
        }

        _offeredOnward.Add(jobId);
    }

    public void ForgetForwarded(string jobId)
    {
        _forwarded.Remove(jobId);
        _forwardedPreemptOnlyIn.Remove(jobId);
    }

    /// <summary>The jobs offered to their next pool (until placed or queued again).</summary>
    public IReadOnlySet<string> Forwarded => _forwarded;

    /// <summary>Writes the shards changed since their last write.</summary>
    public Task FlushAsync()
    {
        // Every pass flushes, and most change one shard or none: no list and no combined task for those.
        Task? single = null;
        List<Task>? several = null;
        foreach (var write in _writes)
        {
            if (!write.Dirty)
            {
                continue;
            }

            var flushed = write.FlushAsync();
            if (single is null)
            {
                single = flushed;
            }
            else
            {
                (several ??= [single]).Add(flushed);
            }
        }

        return several is not null ? Task.WhenAll(several) : single ?? Task.CompletedTask;
    }

    /// <summary>Waits for writes in flight and writes what is left (deactivation).</summary>
    public Task DrainAsync() => Task.WhenAll(_writes.Select(w => w.DrainAsync()));

    private void Set(QueueEntry entry)
    {
        _entries[entry.JobId] = entry;
        _shards[Shard(entry.JobId)].State.Entries[entry.JobId] = entry;
    }

    private static int Shard(string jobId) => (int)(StableHash.ComputeHash(jobId) % ShardCount);
}
