using System.Net.Sockets;
using Npgsql;
using WPAI.Abstractions.Errors;
using WPAI.Client;

namespace WPAI.Cli.Tests;

public sealed class StorageFailuresTests
{
    [Fact]
    public void IsDatabaseUnavailable_NetworkFailuresOfTheDriver_AreUnavailable_EvenWhenWrapped()
    {
        var driver = new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));
        Assert.True(StorageFailures.IsDatabaseUnavailable(driver));
        Assert.True(StorageFailures.IsDatabaseUnavailable(new InvalidOperationException("Error from storage provider", driver)));
        Assert.True(StorageFailures.IsDatabaseUnavailable(new AggregateException(new TimeoutException("slow"), driver)));
    }

    [Fact]
    public void IsDatabaseUnavailable_OtherFailures_AreNot()
    {
        Assert.False(StorageFailures.IsDatabaseUnavailable(new InvalidOperationException("etag mismatch")));
        Assert.False(StorageFailures.IsDatabaseUnavailable(new TimeoutException("slow grain")));
    }

    [Fact]
    public void ToUnavailable_NamesTheDatabase_AndSaysToRetry()
    {
        var error = StorageFailures.ToUnavailable(
            new NpgsqlException("Failed to connect to 10.0.0.9:5432"),
            StorageFailures.Describe("Host=10.0.0.9;Port=5432;Database=wpai;Username=wpai"));

        Assert.IsType<WpaiStorageUnavailableException>(error);
        Assert.Equal("PostgreSQL database 'wpai' at 10.0.0.9:5432", error.Store);
        Assert.StartsWith("PostgreSQL database 'wpai' at 10.0.0.9:5432 is unavailable (Failed to connect to 10.0.0.9:5432). The request may not have been applied; retry it", error.Message, StringComparison.Ordinal);
    }
}
