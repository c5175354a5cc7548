using WPAI.Grains.Storage;

namespace WPAI.Grains.Fleet;

/// <summary>
/// The head of the durable job index: appends to the current page and moves to the next one when a page holds
/// <see cref="PageSize"/> ids, so each write stays small however many jobs there are. Lists newest first by page.
/// A page is stored whole on every append (copied in memory, serialized in SQLite and PostgreSQL), so its size is
/// the cost of an append; pages of any size list alike, so pages an older build filled to 1,000 ids stay readable
/// and the index moves on from a page that already holds <see cref="PageSize"/> ids or more.
/// </summary>
[GrainType("wpai-job-index")]
public sealed class JobIndexGrain : Grain, IJobIndexGrain
{
    public const int PageSize = 100;

    private readonly IPersistentState<JobIndexState> _state;
    private readonly List<string> _pending = [];
    private readonly GroupCommit _appends;
    private int _current;

    /// <summary>
    /// Concurrent adds share one append to the page (group commit): an add returns once an append that started after
    /// it, holding its ids, is durable; one append is in flight at a time.
    /// </summary>
    public JobIndexGrain([PersistentState("job-index", WpaiCluster.StorageProvider)] IPersistentState<JobIndexState> state)
    {
        _state = state;
        _appends = new GroupCommit(AppendPendingAsync);
    }

    /// <summary>
    /// A crash between moving to a new page (in memory) and persisting the move leaves acknowledged ids on a page
    /// after the persisted one: look ahead until an empty page.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _current = _state.State.CurrentPage;
        while ((await Page(_current + 1).GetAsync()).Length > 0)
        {
            _current++;
        }
    }

    public Task AddAsync(ImmutableArray<string> jobIds)
    {
        if (jobIds.IsDefaultOrEmpty)
        {
            return Task.CompletedTask;
        }

        _pending.AddRange(jobIds);
        return _appends.PersistAsync();
    }

    /// <summary>Appends the ids added since the last append to the current page; moves to the next page when it is full.</summary>
    private async Task AppendPendingAsync()
    {
        ImmutableArray<string> ids = [.. _pending];
        _pending.Clear();
        if (ids.IsEmpty)
        {
            return;
        }

        var page = _current;
        var count = await Page(page).AppendAsync(ids);
        if (count >= PageSize && _current == page)
        {
            _current = page + 1;
            if (_state.State.CurrentPage < _current)
            {
                _state.State.CurrentPage = _current;
                await _state.WriteStateAsync();
            }
        }
    }

    public async Task<ImmutableArray<string>> ListAsync(string? after, int max)
    {
        if (max < 1)
        {
            throw new WpaiValidationException("--limit", $"{max} is not positive", "Give at least 1.");
        }

        var found = ImmutableArray.CreateBuilder<string>(Math.Min(max, PageSize));
        var skipping = after is not null;
        for (var page = _current; page >= 0 && found.Count < max; page--)
        {
            var ids = await Page(page).GetAsync();
            for (var i = ids.Length - 1; i >= 0 && found.Count < max; i--)
            {
                if (skipping)
                {
                    skipping = !string.Equals(ids[i], after, StringComparison.Ordinal);
                    continue;
                }

                found.Add(ids[i]);
            }
        }

        if (skipping)
        {
            throw new WpaiValidationException("--after", $"job '{after}' is not in the job list", "Give the id of the last job the previous page showed.");
        }

        return found.ToImmutable();
    }

    private IJobIndexPageGrain Page(int page) => GrainFactory.GetGrain<IJobIndexPageGrain>(page);
}
