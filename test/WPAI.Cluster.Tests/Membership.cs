using Npgsql;
using WPAI.Tests.Shared;

namespace WPAI.Cluster.Tests;

/// <summary>Reads the cluster membership table of a test database.</summary>
internal static class Membership
{
    /// <summary>The silos of a cluster that the membership table lists as Active (status 3).</summary>
    public static async Task<List<(string Address, int Port, int Generation)>> ActiveSilosAsync(this PostgresTestDatabase database, string clusterId)
    {
        var silos = new List<(string, int, int)>();
        try
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
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
}
