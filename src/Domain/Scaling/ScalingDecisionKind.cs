namespace WPAI.Domain.Scaling;

/// <summary>Why a decision came out the way it did.</summary>
public enum ScalingDecisionKind
{
    /// <summary>Every metric within its tolerance band.</summary>
    Hold = 0,

    /// <summary>A metric above its band: <c>ceil(y / expectRate × N)</c>.</summary>
    Expand = 1,

    /// <summary>Every metric below its band: <c>floor(y / expectRate × N)</c>.</summary>
    Contract = 2,

    /// <summary>A latency or error-rate SLO breached: at least one replica more.</summary>
    SloBreach = 3,

    /// <summary>A contraction held back by the stabilization window's higher recommendation.</summary>
    Stabilized = 4,

    /// <summary>The count was moved into [min, max].</summary>
    Clamped = 5,

    /// <summary>A manual override.</summary>
    Manual = 6,
}
