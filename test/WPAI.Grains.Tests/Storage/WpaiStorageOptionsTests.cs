using WPAI.Abstractions.Errors;
using WPAI.Silo.Storage;

namespace WPAI.Grains.Tests.Storage;

public sealed class WpaiStorageOptionsTests
{
    [Fact]
    public void Defaults_AreSqliteInTheDataFolderWithWalNormal()
    {
        var options = new WpaiStorageOptions();

        options.Validate();

        Assert.Equal(StorageKind.Sqlite, options.Kind);
        Assert.Equal("./data/wpai.db", options.SqlitePath);
        Assert.Equal(SqliteDurability.Normal, options.SqliteDurability);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_NamesSqlitePath_WhenItIsEmpty(string path)
    {
        var error = Assert.Throws<WpaiValidationException>(() => new WpaiStorageOptions { SqlitePath = path }.Validate());

        Assert.Equal("storage.sqlitePath", error.Field);
        Assert.Contains("./data/wpai.db", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NamesSqlitePath_WhenItIsAFolder()
    {
        var error = Assert.Throws<WpaiValidationException>(() => new WpaiStorageOptions { SqlitePath = Path.GetTempPath() }.Validate());

        Assert.Equal("storage.sqlitePath", error.Field);
        Assert.Contains("folder", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NamesPostgresConnection_WhenPostgresHasNone()
    {
        var error = Assert.Throws<WpaiValidationException>(() => new WpaiStorageOptions { Kind = StorageKind.Postgres }.Validate());

        Assert.Equal("storage.postgresConnection", error.Field);
        Assert.Contains("--connection", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NamesPostgresConnection_WhenItIsMalformed()
    {
        var error = Assert.Throws<WpaiValidationException>(
            () => new WpaiStorageOptions { Kind = StorageKind.Postgres, PostgresConnection = "Hots=x;Port=abc" }.Validate());

        Assert.Equal("storage.postgresConnection", error.Field);
    }

    [Fact]
    public void Validate_NamesTheKind_WhenItIsUnknown()
    {
        var error = Assert.Throws<WpaiValidationException>(() => new WpaiStorageOptions { Kind = (StorageKind)42 }.Validate());

        Assert.Equal("storage.kind", error.Field);
    }

    [Fact]
    public void Validate_NamesBatchSize_WhenOutOfRange()
    {
        var error = Assert.Throws<WpaiValidationException>(() => new WpaiStorageOptions { SqliteMaxBatchSize = 0 }.Validate());

        Assert.Equal("storage.sqliteMaxBatchSize", error.Field);
    }
}
