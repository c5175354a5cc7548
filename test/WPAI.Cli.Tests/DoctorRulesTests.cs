using WPAI.Cli.Commands.Doctor;
using WPAI.Client;
using WPAI.Silo.Storage;
using SiloStatus = WPAI.Client.SiloStatus;

namespace WPAI.Cli.Tests;

public sealed class DoctorRulesTests
{
    private static readonly DateTime Now = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Schema_Pass_WhenTheDatabaseHasTheExpectedVersion()
    {
        var check = DoctorRules.Schema(new SchemaStatus("wpai", "db:5432", "15.1", 3, 3));
        Assert.Equal(DoctorVerdict.Pass, check.Verdict);
        Assert.Equal("WPAI schema version 3, as this build expects", check.Detail);
    }

    [Fact]
    public void Schema_FailsSayingToRunDbInit_WhenOlderOrMissing()
    {
        var old = DoctorRules.Schema(new SchemaStatus("wpai", "db:5432", "15.1", 2, 3));
        Assert.Equal(DoctorVerdict.Fail, old.Verdict);
        Assert.Equal("WPAI schema version 2, this build expects 3. Run `wpai db init --connection …` (idempotent) to bring it up to date", old.Detail);
        var none = DoctorRules.Schema(new SchemaStatus("wpai", "db:5432", "15.1", 0, 3));
        Assert.StartsWith("no WPAI schema in database 'wpai', this build expects 3", none.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_FailsSayingToUpgrade_WhenNewer()
    {
        var check = DoctorRules.Schema(new SchemaStatus("wpai", "db:5432", "15.1", 4, 3));
        Assert.Equal(DoctorVerdict.Fail, check.Verdict);
        Assert.Contains("newer than this build knows (3). Upgrade wpai", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Membership_Fails_WithoutAnActiveSilo()
    {
        var check = DoctorRules.Membership(Cluster(Silo("S1", "Dead")), Now);
        Assert.Equal(DoctorVerdict.Fail, check.Verdict);
        Assert.Equal("no active silo in the membership table (1 entries, 1 dead). Start a silo with the same --cluster-id", check.Detail);
    }

    [Fact]
    public void Membership_Passes_ListingActiveSilosAndDeadEntries()
    {
        var check = DoctorRules.Membership(Cluster(Silo("S1", "Active"), Silo("S2", "Active"), Silo("S0", "Dead")), Now);
        Assert.Equal(DoctorVerdict.Pass, check.Verdict);
        Assert.Equal("2 active silos: S1, S2; 1 dead entry kept", check.Detail);
    }

    [Fact]
    public void Membership_Warns_OnAJoiningSiloOrAStaleHeartbeat()
    {
        var joining = DoctorRules.Membership(Cluster(Silo("S1", "Active"), Silo("S2", "Joining")), Now);
        Assert.Equal(DoctorVerdict.Warn, joining.Verdict);
        Assert.Contains("S2 is Joining", joining.Detail, StringComparison.Ordinal);
        var stale = DoctorRules.Membership(Cluster(Silo("S1", "Active", heartbeat: Now.AddMinutes(-10))), Now);
        Assert.Equal(DoctorVerdict.Warn, stale.Verdict);
        Assert.Contains("S1 last wrote its heartbeat 0.00:10:00 ago", stale.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(300, DoctorVerdict.Pass)]
    [InlineData(1_000, DoctorVerdict.Pass)]
    [InlineData(1_001, DoctorVerdict.Warn)]
    [InlineData(10_000, DoctorVerdict.Warn)]
    [InlineData(10_001, DoctorVerdict.Fail)]
    public void ClockSkew_ComparesTheSpreadOfTheSilosClocksWithTheLimit(int skewMs, DoctorVerdict expected)
    {
        var status = Cluster(
            Silo("S1", "Active", offset: TimeSpan.FromMilliseconds(-skewMs / 2.0)),
            Silo("S2", "Active", offset: TimeSpan.FromMilliseconds(skewMs / 2.0)),
            Silo("S0", "Dead", offset: TimeSpan.FromHours(1)));
        var check = DoctorRules.ClockSkew(status, TimeSpan.FromSeconds(1));
        Assert.Equal(expected, check.Verdict);
        Assert.StartsWith($"{DoctorRules.Format(TimeSpan.FromMilliseconds(skewMs))} between the silos' clocks (±2 ms; S2 ahead of S1)", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ClockSkew_OneSilo_PassesAndReportsItsOffsetFromThisMachine()
    {
        var check = DoctorRules.ClockSkew(Cluster(Silo("S1", "Active", offset: TimeSpan.FromMilliseconds(-40))), TimeSpan.FromSeconds(1));
        Assert.Equal(DoctorVerdict.Pass, check.Verdict);
        Assert.Equal("one active silo; its clock is -40 ms from this machine's (±2 ms)", check.Detail);
    }

    [Fact]
    public void ClockSkew_Warns_WhenNoSiloReportedItsClock()
    {
        var check = DoctorRules.ClockSkew(Cluster(Silo("S1", "Active")), TimeSpan.FromSeconds(1));
        Assert.Equal(DoctorVerdict.Warn, check.Verdict);
    }

    private static ClusterStatus Cluster(params SiloStatus[] silos) => new([.. silos]);

    private static SiloStatus Silo(string address, string status, TimeSpan? offset = null, DateTime? heartbeat = null) =>
        new(address, "silo-" + address, status, Now.AddHours(-1), heartbeat ?? Now.AddSeconds(-10), 10, offset, offset is null ? null : TimeSpan.FromMilliseconds(2));
}
