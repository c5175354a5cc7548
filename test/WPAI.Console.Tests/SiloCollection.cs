namespace WPAI.Console.Tests;

/// <summary>One silo shared by the metrics and console tests (each test uses its own pools, departments and jobs).</summary>
[CollectionDefinition(Name)]
public sealed class SiloCollection : ICollectionFixture<ConsoleSilo>
{
    public const string Name = "console-silo";
}
