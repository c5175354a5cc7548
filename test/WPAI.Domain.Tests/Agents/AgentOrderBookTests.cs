using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Contracts.Agent;
using WPAI.Domain.Agents;

namespace WPAI.Domain.Tests.Agents;

public sealed class AgentOrderBookTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, RunOrder> _orders = new(StringComparer.Ordinal);
    private readonly List<RunEnd> _lost = [];

    private AgentOrderBook Book => new(_orders, _lost);

    private static JobSpec Job(string id) => new(id, "search", ["T4"], 1, 1000, 1024, TimeSpan.FromHours(1));

    [Fact]
    public void TryOrderStart_AddsTheOrderOnce_AndRefusesARepeat()
    {
        Assert.True(Book.TryOrderStart(Job("a"), 1, [0, 2], T0));
        Assert.False(Book.TryOrderStart(Job("a"), 1, [1], T0.AddMinutes(1)));

        var order = Assert.Single(Book.Runs);
        Assert.Equal(("a", 1, false), (order.JobId, order.Attempt, order.Stop));
        Assert.Equal([0, 2], order.GpuIndices.ToArray());
        Assert.Equal(T0, order.OrderedAt);
        Assert.True(Book.IsOrdered("a", 1));
        Assert.False(Book.IsOrdered("a", 2));
    }

    [Fact]
    public void TryOrderStart_StoresNoIndices_WhenTheyAreDefault()
    {
        Assert.True(Book.TryOrderStart(Job("a"), 1, default, T0));
        Assert.Empty(Assert.Single(Book.Runs).GpuIndices);
    }

    [Fact]
    public void TryOrderStop_TurnsAStartIntoAStopOnce_AndIgnoresUnknownRuns()
    {
        Book.TryOrderStart(Job("a"), 1, [], T0);

        Assert.False(Book.TryOrderStop("b", 1, "cancelled"));
        Assert.False(Book.TryOrderStop("a", 2, "cancelled"));
        Assert.True(Book.TryOrderStop("a", 1, "preempted by x"));
        Assert.False(Book.TryOrderStop("a", 1, "cancelled"));

        var order = Assert.Single(Book.Runs);
        Assert.Equal("preempted by x", order.StopReason);
        Assert.False(Book.IsWanted("a", 1));
        Assert.True(Book.IsOrdered("a", 1));
    }

    [Fact]
    public void TryOrderStop_SaysStopped_WhenNoReasonIsGiven()
    {
        Book.TryOrderStart(Job("a"), 1, [], T0);
        Assert.True(Book.TryOrderStop("a", 1, " "));
        Assert.Equal("stopped", Assert.Single(Book.Runs).StopReason);
    }

    [Fact]
    public void End_RemovesTheOrderOnce()
    {
        Book.TryOrderStart(Job("a"), 1, [], T0);
        Assert.True(Book.IsWanted("a", 1));

        Assert.True(Book.End("a", 1));
        Assert.False(Book.End("a", 1));
        Assert.Empty(Book.Runs);
        Assert.False(Book.IsWanted("a", 1));
    }

    [Fact]
    public void Runs_AreOrderedByTimeThenJobThenAttempt()
    {
        Book.TryOrderStart(Job("b"), 2, [], T0);
        Book.TryOrderStart(Job("b"), 1, [], T0);
        Book.TryOrderStart(Job("a"), 1, [], T0.AddSeconds(1));
        Book.TryOrderStart(Job("c"), 1, [], T0);

        Assert.Equal(["b/1", "b/2", "c/1", "a/1"], Book.Runs.Select(o => $"{o.JobId}/{o.Attempt}"));
    }

    [Fact]
    public void MarkLost_StopsEveryStart_AndRecordsEachLostRunOnce()
    {
        Book.TryOrderStart(Job("a"), 1, [], T0);
        Book.TryOrderStart(Job("b"), 1, [], T0);
        Book.TryOrderStop("b", 1, "cancelled");

        Assert.Equal(1, Book.MarkLost("n1", "silent", T0.AddMinutes(2)));
        Assert.Equal(0, Book.MarkLost("n1", "silent", T0.AddMinutes(3)));

        Assert.All(Book.Runs, o => Assert.True(o.Stop));
        Assert.Equal("node down: silent", Book.Runs.Single(o => o.JobId == "a").StopReason);
        Assert.Equal("cancelled", Book.Runs.Single(o => o.JobId == "b").StopReason);
        var lost = Assert.IsType<RunEnd>(Book.NextLost);
        Assert.Equal(new RunEnd("a", 1, null, null, Stopped: false, Lost: true, "node n1 down: silent", T0.AddMinutes(2)), lost);
        Assert.Equal(1, Book.LostCount);
    }

    [Fact]
    public void LostReported_RemovesTheOldest_AndRefusesWhenNoneWaits()
    {
        Book.TryOrderStart(Job("a"), 1, [], T0);
        Book.TryOrderStart(Job("b"), 1, [], T0);
        Book.MarkLost("n1", "silent", T0);

        Assert.Equal("a", Book.NextLost!.JobId);
        Book.LostReported();
        Assert.Equal("b", Book.NextLost!.JobId);
        Book.LostReported();
        Assert.Null(Book.NextLost);
        Assert.Throws<InvalidOperationException>(() => Book.LostReported());
    }
}
