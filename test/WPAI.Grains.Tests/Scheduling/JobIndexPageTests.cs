using WPAI.Grains.Fleet;

namespace WPAI.Grains.Tests.Scheduling;

/// <summary>
/// Job index pages hold <see cref="JobIndexGrain.PageSize"/> ids (each append stores its page whole, so the page size
/// is an append's cost); a page an older build filled further (up to 1,000 ids) still lists, and the index moves on
/// from it to a new page.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class JobIndexPageTests(ClusterFixture fixture)
{
    /// <summary>More than a page holds now: a page as an older build (1,000 ids a page) left it.</summary>
    private const int OlderPageIds = 150;

    private readonly Fleet _fleet = new(fixture);

    [Fact]
    public async Task Add_MovesOnFromAPageHoldingMoreThanAPage_AndListsItsIdsInOrder()
    {
        var index = _fleet.Grains.GetGrain<IJobIndexGrain>(WpaiCluster.FleetKey);
        await index.ListAsync(null, 1); // active, on its current page
        var last = 0;
        while ((await Page(last + 1).GetAsync()).Length > 0)
        {
            last++;
        }

        var current = (await Page(last).GetAsync()).Length >= JobIndexGrain.PageSize ? last + 1 : last;
        var older = Enumerable.Range(0, OlderPageIds).Select(i => _fleet.Id($"older-{i}")).ToArray();
        await Page(current).AppendAsync([.. older]);
        var added = Enumerable.Range(0, 3).Select(i => _fleet.Id($"added-{i}")).ToArray();
        foreach (var id in added)
        {
            await index.AddAsync([id]);
        }

        Assert.Equal(added[0], (await Page(current).GetAsync())[^1]);
        Assert.Equal(added[1..], await Page(current + 1).GetAsync());
        var listed = await index.ListAsync(null, added.Length + older.Length);
        Assert.Equal(added.Reverse().Concat(older.Reverse()), listed);
    }

    [Fact]
    public async Task Add_FillsPagesOfAtMostPageSizeIds_WhenAddsComeOneByOne()
    {
        var index = _fleet.Grains.GetGrain<IJobIndexGrain>(WpaiCluster.FleetKey);
        var ids = Enumerable.Range(0, 210).Select(i => _fleet.Id($"one-{i}")).ToArray();
        foreach (var id in ids)
        {
            await index.AddAsync([id]);
        }

        var pages = new List<ImmutableArray<string>>();
        for (var p = 0; ; p++)
        {
            var page = await Page(p).GetAsync();
            if (page.IsEmpty)
            {
                break;
            }

            pages.Add(page);
        }

        var mine = pages.Where(p => p.Any(ids.Contains)).ToList();
        Assert.True(mine.Count >= 3, $"{ids.Length} ids added one by one fill {mine.Count} pages of at most {JobIndexGrain.PageSize}");
        Assert.All(mine.Where(p => !p.Any(id => id.StartsWith("older-", StringComparison.Ordinal))), p => Assert.InRange(p.Length, 1, JobIndexGrain.PageSize));
        Assert.Equal(ids.Reverse(), await index.ListAsync(null, ids.Length));
    }

    private IJobIndexPageGrain Page(int page) => _fleet.Grains.GetGrain<IJobIndexPageGrain>(page);
}
