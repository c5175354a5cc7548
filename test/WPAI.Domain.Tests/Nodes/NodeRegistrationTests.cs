using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Errors;
using WPAI.Domain.Nodes;

namespace WPAI.Domain.Tests.Nodes;

public sealed class NodeRegistrationTests
{
    private static readonly NodeSpec Spec = new("n1", "T4", 4, 16_000, 65_536);

    [Fact]
    public void MustRegister_IsTrueForANewNode_AndFalseForTheSameHardwareAgain()
    {
        Assert.True(NodeRegistration.MustRegister("n1", Spec, NodeMode.Fixed, null));
        Assert.False(NodeRegistration.MustRegister("n1", Spec, NodeMode.OnlineNormal, Spec));
    }

    [Fact]
    public void MustRegister_RefusesAnotherName_Unnormal_AndDifferentHardware()
    {
        Assert.Equal("spec.name", Assert.Throws<WpaiValidationException>(() => NodeRegistration.MustRegister("n2", Spec, NodeMode.Fixed, null)).Field);
        Assert.Equal("mode", Assert.Throws<WpaiValidationException>(() => NodeRegistration.MustRegister("n1", Spec, NodeMode.Unnormal, null)).Field);
        var error = Assert.Throws<WpaiValidationException>(() => NodeRegistration.MustRegister("n1", Spec with { Gpus = 8 }, NodeMode.Fixed, Spec));
        Assert.Equal("spec", error.Field);
        Assert.Contains("already registered with different hardware", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureRemovable_RefusesANodeThatHoldsWork_NamingIt()
    {
        NodeRegistration.EnsureRemovable(Spec, []);
        var error = Assert.Throws<WpaiValidationException>(() => NodeRegistration.EnsureRemovable(Spec, ["b", "a"]));
        Assert.Contains("node n1 still runs a, b", error.Message, StringComparison.Ordinal);
    }
}
