namespace WPAI.Grains.Tests.Storage;

/// <summary>A test-only grain that registers and removes a reminder, to exercise the reminder table.</summary>
public interface IReminderProbeGrain : IGrainWithStringKey
{
    Task RegisterAsync(string name);

    Task UnregisterAsync(string name);
}
