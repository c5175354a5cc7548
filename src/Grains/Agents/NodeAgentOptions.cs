namespace WPAI.Grains.Agents;

/// <summary>The silo's side of node agents: when a silent agent's node goes Down, and how often that is checked.</summary>
public sealed class NodeAgentOptions
{
    public const string SectionName = "Wpai:Agent";

    /// <summary>An agent not heard from for this long has its node marked Down and its runs re-queued.</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often each agent grain checks its agent's last heartbeat.</summary>
    public TimeSpan CheckPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest a poll waits for new orders (below Orleans' response timeout of 30 s).</summary>
    public TimeSpan MaxPollWait { get; set; } = TimeSpan.FromSeconds(20);

    public void Validate()
    {
        Positive(HeartbeatTimeout, nameof(HeartbeatTimeout), "30s");
        Positive(CheckPeriod, nameof(CheckPeriod), "5s");
        Positive(MaxPollWait, nameof(MaxPollWait), "20s");
        if (MaxPollWait >= TimeSpan.FromSeconds(30))
        {
            throw new WpaiValidationException($"{SectionName}:{nameof(MaxPollWait)}", $"must be below Orleans' 30 s response timeout (got {MaxPollWait})", "Use 20s.");
        }
    }

    private static void Positive(TimeSpan value, string name, string example)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new WpaiValidationException($"{SectionName}:{name}", $"must be positive (got {value})", $"Use e.g. {example}.");
        }
    }
}
