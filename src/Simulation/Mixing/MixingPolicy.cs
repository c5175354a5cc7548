using WPAI.Abstractions.Contracts.Mixing;

namespace WPAI.Simulation.Mixing;

/// <summary>
/// A mixing policy to replay: its name, what it is, the settings its pools' controllers get, whether the pool schedulers
/// match short jobs' expected run times to the lent nodes' expected reclaim times (<c>SchedulingOptions.MatchLentRunTime</c>),
/// whether jobs that declared themselves checkpointable lose only the run time since their last checkpoint on a reclaim,
/// and whether a short job that accepts several pools is queued first where lent room outlasts it
/// (<c>SchedulingOptions.LentFirstAcrossPools</c>).
/// </summary>
public sealed record MixingPolicy(
    string Name, string Description, MixingSettings Settings, bool MatchRunTime = false, bool Checkpoint = false, bool LentFirstAcrossPools = false);
