using System.Globalization;
using WPAI.Abstractions.Contracts;
using WPAI.Client;
using WPAI.Silo.Storage;

namespace WPAI.Cli.Commands.Doctor;

/// <summary>The verdicts of <c>wpai doctor</c> from what it measured: pure functions, no I/O.</summary>
public static class DoctorRules
{
    /// <summary>Clock skew between silos that passes; up to ten times this warns, more fails.</summary>
    public static readonly TimeSpan DefaultMaxSkew = TimeSpan.FromSeconds(1);

    /// <summary>An active silo whose last heartbeat in the membership table is older than this is reported.</summary>
    public static readonly TimeSpan StaleHeartbeat = TimeSpan.FromMinutes(5);

    private static readonly string[] Transitional = ["Created", "Joining", "ShuttingDown", "Stopping"];

    /// <summary>Runs that ended but could not be completed, or a start-up that could not re-attach running jobs, fail.</summary>
    public static DoctorCheck Runs(IReadOnlyList<RunHealth> silos)
    {
        ArgumentNullException.ThrowIfNull(silos);
        var troubled = silos.Where(h => !h.Healthy).ToList();
        if (troubled.Count == 0)
        {
            return new DoctorCheck("runs", DoctorVerdict.Pass, "no silo reports runs that could not be completed or re-attached");
        }

        var uncompleted = troubled.Sum(h => h.UncompletedRuns);
        var detail = string.Join("; ", troubled.Select(h => $"silo {h.Silo}: {h.Describe()}"));
        return new DoctorCheck(
            "runs",
            DoctorVerdict.Fail,
            $"{uncompleted} run{(uncompleted == 1 ? string.Empty : "s")} could not be completed, {troubled.Count(h => h.ReattachFailed)} silo(s) could not re-attach running jobs ({detail}). Check the storage (wpai doctor --connection …) and the silo logs; the silos keep retrying");
    }

    public static DoctorCheck Database(SchemaStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new DoctorCheck("database", DoctorVerdict.Pass, $"connected to PostgreSQL {status.ServerVersion} at {status.Server}, database '{status.Database}'");
    }

    public static DoctorCheck Schema(SchemaStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.Version == status.LatestVersion)
        {
            return new DoctorCheck("schema", DoctorVerdict.Pass, $"WPAI schema version {status.Version}, as this build expects");
        }

        return status.Version < status.LatestVersion
            ? new DoctorCheck(
                "schema",
                DoctorVerdict.Fail,
                (status.Version == 0 ? "no WPAI schema in database '" + status.Database + "'" : $"WPAI schema version {status.Version}") +
                $", this build expects {status.LatestVersion}. Run `wpai db init --connection …` (idempotent) to bring it up to date")
            : new DoctorCheck(
                "schema",
                DoctorVerdict.Fail,
                $"WPAI schema version {status.Version} is newer than this build knows ({status.LatestVersion}). Upgrade wpai and the silos to the version that wrote it");
    }

    /// <summary>At least one active silo; none stuck joining or stopping; every active silo's heartbeat recent.</summary>
    public static DoctorCheck Membership(ClusterStatus status, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        var active = status.Silos.Where(s => s.Status == "Active").ToList();
        var dead = status.Silos.Count(s => s.Status == "Dead");
        if (active.Count == 0)
        {
            return new DoctorCheck("membership", DoctorVerdict.Fail, $"no active silo in the membership table ({status.Silos.Length} entries, {dead} dead). Start a silo with the same --cluster-id");
        }

        var listed = $"{active.Count} active silo{(active.Count == 1 ? string.Empty : "s")}: {string.Join(", ", active.Select(s => s.Address))}" +
            (dead > 0 ? $"; {dead} dead entr{(dead == 1 ? "y" : "ies")} kept" : string.Empty);
        var problems = new List<string>();
        problems.AddRange(status.Silos.Where(s => Transitional.Contains(s.Status, StringComparer.Ordinal)).Select(s => $"{s.Address} is {s.Status}"));
        foreach (var silo in active)
        {
            var age = now - new DateTimeOffset(DateTime.SpecifyKind(silo.LastHeartbeat, DateTimeKind.Utc));
            if (age > StaleHeartbeat)
            {
                problems.Add($"{silo.Address} last wrote its heartbeat {Format(age)} ago (a hung silo, or clocks far apart)");
            }
        }

        return problems.Count == 0
            ? new DoctorCheck("membership", DoctorVerdict.Pass, listed)
            : new DoctorCheck("membership", DoctorVerdict.Warn, listed + "; " + string.Join("; ", problems) + ". Check those silos' logs; run again in a minute");
    }

    /// <summary>The spread of the active silos' clocks (each measured against this machine's clock in one request).</summary>
    public static DoctorCheck ClockSkew(ClusterStatus status, TimeSpan maxSkew)
    {
        ArgumentNullException.ThrowIfNull(status);
        var measured = status.Silos.Where(s => s.Status == "Active" && s.ClockOffset is not null).ToList();
        if (measured.Count == 0)
        {
            return new DoctorCheck("clock skew", DoctorVerdict.Warn, "no active silo reported its clock; run again when a silo is active");
        }

        var earliest = measured.MinBy(s => s.ClockOffset!.Value)!;
        var latest = measured.MaxBy(s => s.ClockOffset!.Value)!;
        var skew = latest.ClockOffset!.Value - earliest.ClockOffset!.Value;
        var uncertainty = measured.Max(s => s.ClockUncertainty ?? TimeSpan.Zero);
        var local = measured.Select(s => s.ClockOffset!.Value).MaxBy(o => o.Duration());
        var detail = measured.Count == 1
            ? $"one active silo; its clock is {Signed(local)} from this machine's (±{Format(uncertainty)})"
            : $"{Format(skew)} between the silos' clocks (±{Format(uncertainty)}; {latest.Address} ahead of {earliest.Address}); this machine is within {Format(local.Duration())} of them";
        if (skew <= maxSkew)
        {
            return new DoctorCheck("clock skew", DoctorVerdict.Pass, detail);
        }

        var fix = $". Limit {Format(maxSkew)}: synchronize the silo hosts' clocks (NTP/chrony); job start times and wait times come from the silos' clocks";
        return skew <= maxSkew * 10
            ? new DoctorCheck("clock skew", DoctorVerdict.Warn, detail + fix)
            : new DoctorCheck("clock skew", DoctorVerdict.Fail, detail + fix);
    }

    public static string Format(TimeSpan value)
    {
        var abs = value.Duration();
        return abs < TimeSpan.FromSeconds(1)
            ? abs.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture) + " ms"
            : abs < TimeSpan.FromMinutes(2)
                ? abs.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture) + " s"
                : abs.ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture);
    }

    private static string Signed(TimeSpan value) => (value < TimeSpan.Zero ? "-" : "+") + Format(value);
}
