namespace WPAI.Grains.Tests.Storage;

/// <summary>A persisted test-only state: a counter, a label and a list, to see a real shape round-trip.</summary>
[GenerateSerializer, Alias("wpai.tests.storage-test-state")]
public sealed class StorageTestState
{
    [Id(0)]
    public int Counter { get; set; }

    [Id(1)]
    public string Label { get; set; } = string.Empty;

    [Id(2)]
    public List<string> Items { get; set; } = [];
}
