using WPAI.Inference.Runtime;

namespace WPAI.Inference.Tests;

/// <summary>The provider check behind <c>--device-check</c>; on a machine without a GPU the GPU providers report why they do not load.</summary>
public sealed class DeviceCheckTests
{
    [Fact]
    public void Check_ListsEveryProvider_CpuLoads_AndEveryOtherOneThatDoesNotSaysWhy()
    {
        var statuses = ExecutionProviderSelector.Check();
        Assert.Equal(["tensorrt", "cuda", "cpu"], statuses.Select(s => s.Name));
        Assert.True(statuses.Single(s => s.Name == "cpu").Loads);
        Assert.All(statuses.Where(s => !s.Loads), s => Assert.Contains("ExecutionProvider", s.Detail, StringComparison.Ordinal));
    }
}
