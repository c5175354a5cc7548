namespace WPAI.Domain.Nodes;

/// <summary>
/// The node mode state machine (README, "Mixing"): legal transitions, and which modes admit which work.
/// Online ⇄ offline always passes through Unnormal (draining); Fixed and Down are set by an admin.
/// </summary>
public static class NodeModes
{
    private static readonly ImmutableHashSet<(NodeMode From, NodeMode To)> Legal = ImmutableHashSet.Create(
        (NodeMode.OnlineNormal, NodeMode.Unnormal),
        (NodeMode.Unnormal, NodeMode.OfflineNormal),
        (NodeMode.OfflineNormal, NodeMode.Unnormal),
        (NodeMode.Unnormal, NodeMode.OnlineNormal),
        (NodeMode.OnlineNormal, NodeMode.Fixed),
        (NodeMode.OfflineNormal, NodeMode.Fixed),
        (NodeMode.Fixed, NodeMode.OnlineNormal),
        (NodeMode.Fixed, NodeMode.OfflineNormal),
        (NodeMode.OnlineNormal, NodeMode.Down),
        (NodeMode.OfflineNormal, NodeMode.Down),
        (NodeMode.Unnormal, NodeMode.Down),
        (NodeMode.Fixed, NodeMode.Down),
        (NodeMode.Down, NodeMode.Fixed),
        (NodeMode.Down, NodeMode.OnlineNormal),
        (NodeMode.Down, NodeMode.OfflineNormal));

    public static bool IsLegal(NodeMode from, NodeMode to) => Legal.Contains((from, to));

    private static readonly ImmutableArray<NodeMode> LongRunningTrainingModes = [NodeMode.Fixed];
    private static readonly ImmutableArray<NodeMode> ShortTrainingModes = [NodeMode.Fixed, NodeMode.OfflineNormal];

    /// <summary>Modes where training jobs may be placed; long-running jobs only on Fixed nodes.</summary>
    public static ImmutableArray<NodeMode> TrainingModes(bool longRunning) => longRunning ? LongRunningTrainingModes : ShortTrainingModes;

    /// <summary>Modes where inference replicas may be placed.</summary>
    public static ImmutableArray<NodeMode> InferenceModes { get; } = [NodeMode.OnlineNormal];

    /// <summary>Throws a validation error naming the legal targets when a transition is not allowed.</summary>
    public static void EnsureLegal(string node, NodeMode from, NodeMode to)
    {
        if (from == to || IsLegal(from, to))
        {
            return;
        }

        var targets = string.Join(", ", Legal.Where(t => t.From == from).Select(t => t.To.ToString()).Order(StringComparer.Ordinal));
        throw new WpaiValidationException(
            "mode",
            $"node '{node}' cannot go from {from} to {to}",
            $"From {from} it may go to: {targets}.");
    }
}
