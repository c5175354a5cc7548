namespace WPAI.Agent.Tests;

[CollectionDefinition(Name)]
public sealed class ServingCollection : ICollectionFixture<ServingCluster>
{
    public const string Name = "serving";
}
