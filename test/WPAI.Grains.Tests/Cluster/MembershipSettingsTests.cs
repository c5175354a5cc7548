using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using WPAI.Abstractions.Errors;
using WPAI.Silo.Hosting;

namespace WPAI.Grains.Tests.Cluster;

public sealed class MembershipSettingsTests
{
    [Fact]
    public void ApplyTo_CopiesWhatIsSet_AndKeepsOrleansDefaultsForTheRest()
    {
        var orleans = new ClusterMembershipOptions();
        var defaults = new ClusterMembershipOptions();
        new MembershipSettings { ProbeTimeout = TimeSpan.FromSeconds(1), NumMissedProbesLimit = 2 }.ApplyTo(orleans);

        Assert.Equal(TimeSpan.FromSeconds(1), orleans.ProbeTimeout);
        Assert.Equal(2, orleans.NumMissedProbesLimit);
        Assert.Equal(defaults.NumVotesForDeathDeclaration, orleans.NumVotesForDeathDeclaration);
        Assert.Equal(defaults.IAmAliveTablePublishTimeout, orleans.IAmAliveTablePublishTimeout);
        Assert.Equal(defaults.DefunctSiloExpiration, orleans.DefunctSiloExpiration);
    }

    [Fact]
    public void SiloSwitches_BindProbeTimeoutAndMissedProbes()
    {
        var configuration = new ConfigurationBuilder()
            .AddCommandLine(["--probe-timeout", "00:00:01.500", "--missed-probes", "4"], new Dictionary<string, string>(WpaiHost.Switches))
            .Build();
        var options = configuration.GetSection(WpaiSiloOptions.SectionName).Get<WpaiSiloOptions>()!;

        options.Validate();

        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.Membership.ProbeTimeout);
        Assert.Equal(4, options.Membership.NumMissedProbesLimit);
    }

    [Fact]
    public void Validate_NamesTheSetting_WhenAValueIsImpossible()
    {
        var probe = Assert.Throws<WpaiValidationException>(() => new MembershipSettings { ProbeTimeout = TimeSpan.Zero }.Validate());
        Assert.Equal("Wpai:Membership:ProbeTimeout", probe.Field);
        var missed = Assert.Throws<WpaiValidationException>(() => new MembershipSettings { NumMissedProbesLimit = 0 }.Validate());
        Assert.Equal("Wpai:Membership:NumMissedProbesLimit", missed.Field);
    }
}
