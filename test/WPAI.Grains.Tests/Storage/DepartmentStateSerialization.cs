using Orleans.Serialization;
using WPAI.Grains.Departments;

namespace WPAI.Grains.Tests.Storage;

/// <summary>Orleans' serializer and copier for the department state and the domain records it holds, as the silo has them.</summary>
internal sealed class DepartmentStateSerialization : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(DepartmentState).Assembly).AddAssembly(typeof(RunningAllocation).Assembly))
        .BuildServiceProvider();

    public Serializer Serializer => _services.GetRequiredService<Serializer>();

    public DeepCopier Copier => _services.GetRequiredService<DeepCopier>();

    public void Dispose() => _services.Dispose();
}
