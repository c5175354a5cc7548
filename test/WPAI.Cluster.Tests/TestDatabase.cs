using Npgsql;

namespace WPAI.Cluster.Tests;

/// <summary>
/// A fresh, uniquely named database on a PostgreSQL server (by default the one <c>./test.sh</c> starts and announces in
/// <c>WPAI_TEST_POSTGRES</c>), dropped on dispose. Without that variable the test fails saying how to get one.
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _adminConnection;

    private TestDatabase(string adminConnection, string name)
    {
        _adminConnection = adminConnection;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnection) { Database = name, Pooling = true, MaxPoolSize = 200 }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static string AdminConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable("WPAI_TEST_POSTGRES");
            if (string.IsNullOrWhiteSpace(value))
            {
                Assert.Fail(
                    "WPAI_TEST_POSTGRES is not set, so there is no PostgreSQL to test against. Run ./test.sh (it starts a private " +
                    "PostgreSQL with scripts/postgres.sh), or `source scripts/postgres.sh start` in your shell before `dotnet test`.");
            }

            return value;
        }
    }

    public static Task<TestDatabase> CreateAsync() => CreateAsync(AdminConnectionString);

    public static async Task<TestDatabase> CreateAsync(string adminConnection)
    {
        var name = "wpai_c_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(adminConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return new TestDatabase(adminConnection, name);
    }

    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, parameter) in parameters)
        {
            command.Parameters.AddWithValue(name, parameter);
        }

        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The silos of a cluster that the membership table lists as Active (status 3).</summary>
    public async Task<List<(string Address, int Port, int Generation)>> ActiveSilosAsync(string clusterId)
    {
        var silos = new List<(string, int, int)>();
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT address, port, generation FROM wpai_membership WHERE deployment_id = @c AND status = 3", connection);
            command.Parameters.AddWithValue("c", clusterId);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                silos.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2)));
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // no silo has created the schema yet
        }

        return silos;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var connection = new NpgsqlConnection(_adminConnection);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // the server may already be gone (a private server stopped first); nothing to clean up then
        }
    }
}
