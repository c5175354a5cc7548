namespace WPAI.Agent.Tests;

[CollectionDefinition(Name)]
public sealed class AgentCollection : ICollectionFixture<AgentCluster>
{
    public const string Name = "agents";
}
