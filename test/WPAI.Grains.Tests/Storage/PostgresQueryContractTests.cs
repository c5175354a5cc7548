using System.Data;
using Npgsql;
using WPAI.Silo.Storage;

namespace WPAI.Grains.Tests.Storage;

/// <summary>
/// WPAI's OrleansQuery rows driven directly, with parameters typed the way Orleans' ADO.NET providers bind them,
/// to pin down the optimistic-concurrency answers those providers rely on.
/// </summary>
public sealed class PostgresQueryContractTests
{
    [Fact]
    public async Task WriteToStorage_AnswersNull_ForAStaleOrMissingVersion()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await DatabaseInitializer.InitializeAsync(database.ConnectionString);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        var write = await QueryAsync(connection, "WriteToStorageKey");
        var read = await QueryAsync(connection, "ReadFromStorageKey");
        var clear = await QueryAsync(connection, "ClearStorageKey");

        Assert.Equal(1, await ScalarAsync(connection, write, version: null, payload: [1]));
        Assert.Null(await ScalarAsync(connection, write, version: null, payload: [2]));
        Assert.Equal(2, await ScalarAsync(connection, write, version: 1, payload: [3]));
        Assert.Null(await ScalarAsync(connection, write, version: 1, payload: [4]));

        await using (var command = Command(connection, read, version: null, payload: null))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(new byte[] { 3 }, (byte[])reader["PayloadBinary"]);
            Assert.Equal(2, reader.GetInt32(reader.GetOrdinal("Version")));
            Assert.False(await reader.ReadAsync());
        }

        Assert.Null(await ScalarAsync(connection, clear, version: 1, payload: null));
        Assert.Equal(3, await ScalarAsync(connection, clear, version: 2, payload: null));
        Assert.Equal(4, await ScalarAsync(connection, write, version: 3, payload: [5]));
    }

    [Fact]
    public async Task MembershipQueries_RejectAStaleTableVersion()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await DatabaseInitializer.InitializeAsync(database.ConnectionString);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        var createVersion = await QueryAsync(connection, "InsertMembershipVersionKey");
        var insert = await QueryAsync(connection, "InsertMembershipKey");
        var update = await QueryAsync(connection, "UpdateMembershipKey");

        Assert.True(await MembershipAsync(connection, createVersion, port: 0, version: null));
        Assert.False(await MembershipAsync(connection, createVersion, port: 0, version: null));
        Assert.True(await MembershipAsync(connection, insert, port: 11111, version: 0));
        Assert.False(await MembershipAsync(connection, insert, port: 11112, version: 0));
        Assert.False(await MembershipAsync(connection, insert, port: 11111, version: 1));
        Assert.True(await MembershipAsync(connection, update, port: 11111, version: 1));
        Assert.False(await MembershipAsync(connection, update, port: 11111, version: 1));
        Assert.False(await MembershipAsync(connection, update, port: 22222, version: 2));

        Assert.Equal(2, await database.ScalarAsync<int>("SELECT version FROM wpai_membership_version"));
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM wpai_membership"));
    }

    private static async Task<string> QueryAsync(NpgsqlConnection connection, string key)
    {
        await using var command = new NpgsqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", connection);
        command.Parameters.AddWithValue("key", key);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<int?> ScalarAsync(NpgsqlConnection connection, string sql, int? version, byte[]? payload)
    {
        await using var command = Command(connection, sql, version, payload);
        var value = await command.ExecuteScalarAsync();
        return value is int number ? number : null;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, int? version, byte[]? payload)
    {
        var command = new NpgsqlCommand(sql, connection);
        Add(command, "GrainIdHash", 12345, DbType.Int32);
        Add(command, "GrainIdN0", 0L, DbType.Int64);
        Add(command, "GrainIdN1", 0L, DbType.Int64);
        Add(command, "GrainTypeHash", 678, DbType.Int32);
        Add(command, "GrainTypeString", "wpai-test-storage-probe", DbType.String);
        Add(command, "GrainIdExtensionString", "probe-1", DbType.String);
        Add(command, "ServiceId", "wpai-contract", DbType.String);
        Add(command, "GrainStateVersion", version, DbType.Int32);
        Add(command, "PayloadBinary", payload, DbType.Binary);
        return command;
    }

    private static async Task<bool> MembershipAsync(NpgsqlConnection connection, string sql, int port, int? version)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var now = DateTime.UtcNow;
        Add(command, "DeploymentId", "cluster-a", DbType.String);
        Add(command, "Address", "127.0.0.1", DbType.AnsiString);
        Add(command, "Port", port, DbType.Int32);
        Add(command, "Generation", 7, DbType.Int32);
        Add(command, "SiloName", "silo", DbType.String);
        Add(command, "HostName", "host", DbType.String);
        Add(command, "Status", 3, DbType.Int32);
        Add(command, "ProxyPort", 30000, DbType.Int32);
        Add(command, "SuspectTimes", (string?)null, DbType.String);
        Add(command, "StartTime", now, DbType.DateTime);
        Add(command, "IAmAliveTime", now, DbType.DateTime);
        Add(command, "Version", version, DbType.Int32);
        return Convert.ToBoolean(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Add<T>(NpgsqlCommand command, string name, T value, DbType type) =>
        command.Parameters.Add(new NpgsqlParameter(name, type) { Value = (object?)value ?? DBNull.Value });
}
