namespace WPAI.Silo.Hosting;

/// <summary>
/// How fast the cluster notices a dead silo (Orleans' <c>ClusterMembershipOptions</c>), bound from <c>Wpai:Membership</c>.
/// A silo that stops answering is suspected after <see cref="NumMissedProbesLimit"/> probes that each time out after
/// about <see cref="ProbeTimeout"/>, then declared dead; its grains re-activate on the survivors. Orleans' defaults
/// (5 s, 3 probes: about 15–20 s) suit busy production networks; a small or test cluster can use e.g. 1 s × 3.
/// Unset values keep Orleans' defaults.
/// </summary>
public sealed class MembershipSettings
{
    /// <summary>The initial timeout of one liveness probe (Orleans adapts it between half and four times this).</summary>
    public TimeSpan? ProbeTimeout { get; set; }

    /// <summary>Missed probes before a silo is suspected.</summary>
    public int? NumMissedProbesLimit { get; set; }

    /// <summary>Votes needed to declare a silo dead (Orleans caps it by the number of live silos).</summary>
    public int? NumVotesForDeathDeclaration { get; set; }

    /// <summary>How often each silo writes its heartbeat ("I am alive") to the membership table.</summary>
    public TimeSpan? IAmAliveTablePublishTimeout { get; set; }

    /// <summary>How often each silo re-reads the membership table.</summary>
    public TimeSpan? TableRefreshTimeout { get; set; }

    /// <summary>How long entries of dead silos stay in the membership table.</summary>
    public TimeSpan? DefunctSiloExpiration { get; set; }

    public void Validate()
    {
        Positive(ProbeTimeout, "Wpai:Membership:ProbeTimeout", "e.g. 00:00:01 for a small cluster, or leave it unset (5 s)");
        Positive(IAmAliveTablePublishTimeout, "Wpai:Membership:IAmAliveTablePublishTimeout", "e.g. 00:00:05, or leave it unset (30 s)");
        Positive(TableRefreshTimeout, "Wpai:Membership:TableRefreshTimeout", "e.g. 00:00:05, or leave it unset (60 s)");
        Positive(DefunctSiloExpiration, "Wpai:Membership:DefunctSiloExpiration", "e.g. 1.00:00:00, or leave it unset (7 days)");
        if (NumMissedProbesLimit is < 1 or > 100)
        {
            throw new WPAI.Abstractions.Errors.WpaiValidationException("Wpai:Membership:NumMissedProbesLimit", $"{NumMissedProbesLimit} is outside 1..100", "Use e.g. 3 (the default).");
        }

        if (NumVotesForDeathDeclaration is < 1 or > 100)
        {
            throw new WPAI.Abstractions.Errors.WpaiValidationException("Wpai:Membership:NumVotesForDeathDeclaration", $"{NumVotesForDeathDeclaration} is outside 1..100", "Use e.g. 2 (the default).");
        }
    }

    /// <summary>Copies the values that are set onto Orleans' options.</summary>
    public void ApplyTo(Orleans.Configuration.ClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (ProbeTimeout is { } probe)
        {
            options.ProbeTimeout = probe;
        }

        if (NumMissedProbesLimit is { } missed)
        {
            options.NumMissedProbesLimit = missed;
        }

        if (NumVotesForDeathDeclaration is { } votes)
        {
            options.NumVotesForDeathDeclaration = votes;
        }

        if (IAmAliveTablePublishTimeout is { } alive)
        {
            options.IAmAliveTablePublishTimeout = alive;
        }

        if (TableRefreshTimeout is { } refresh)
        {
            options.TableRefreshTimeout = refresh;
        }

        if (DefunctSiloExpiration is { } defunct)
        {
            options.DefunctSiloExpiration = defunct;
        }
    }

    private static void Positive(TimeSpan? value, string field, string fix)
    {
        if (value is { } v && (v <= TimeSpan.Zero || v > TimeSpan.FromDays(365)))
        {
            throw new WPAI.Abstractions.Errors.WpaiValidationException(field, $"{v} is not a positive duration up to a year", "Use " + fix + ".");
        }
    }
}
