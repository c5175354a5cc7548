using System.Globalization;
using Npgsql;
using Xunit;

namespace WPAI.Tests.Shared;

/// <summary>
/// A fresh, uniquely named database on a PostgreSQL server (by default the one <c>./test.sh</c> starts via
/// scripts/postgres.sh and announces in <c>WPAI_TEST_POSTGRES</c>), dropped again on dispose. Without that variable
/// the test fails, saying how to get one: PostgreSQL tests are never silently skipped. One source file, linked into
/// every test project that needs a database.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    private readonly string _adminConnection;

    private PostgresTestDatabase(string adminConnection, string name)
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

    /// <summary>A database on the test server of <c>WPAI_TEST_POSTGRES</c>.</summary>
    public static Task<PostgresTestDatabase> CreateAsync() => CreateAsync(AdminConnectionString);

    /// <summary>A database on the server that <paramref name="adminConnection"/> reaches (e.g. a test's private server).</summary>
    public static async Task<PostgresTestDatabase> CreateAsync(string adminConnection)
    {
        var name = "wpai_t_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(adminConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return new PostgresTestDatabase(adminConnection, name);
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
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture);
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
