using Npgsql;

namespace WPAI.Grains.Tests.Storage;

/// <summary>
/// A fresh, uniquely named database on the test PostgreSQL that <c>./test.sh</c> starts (via scripts/postgres.sh)
/// and announces in <c>WPAI_TEST_POSTGRES</c>; dropped again on dispose. Without that variable the test fails,
/// saying how to get one: PostgreSQL tests are never silently skipped.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    private readonly string _adminConnection;

    private PostgresTestDatabase(string adminConnection, string name)
    {
        _adminConnection = adminConnection;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnection) { Database = name }.ConnectionString;
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

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var admin = AdminConnectionString;
        var name = "wpai_t_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return new PostgresTestDatabase(admin, name);
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
