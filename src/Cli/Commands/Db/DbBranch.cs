using Spectre.Console.Cli;

namespace WPAI.Cli.Commands.Db;

/// <summary><c>wpai db init</c>: applies WPAI's PostgreSQL schema (clustering, grain state, reminders).</summary>
public static class DbBranch
{
    public static void Register(IConfigurator config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.AddBranch("db", db =>
        {
            db.SetDescription("The PostgreSQL database of a WPAI cluster.");
            db.AddCommand<DbInitCommand>("init")
                .WithDescription("Apply deploy/sql/postgres idempotently and report the schema version.")
                .WithExample("db", "init", "--connection", "Host=127.0.0.1;Port=5432;Database=wpai;Username=wpai;Password=secret");
        });
    }
}
