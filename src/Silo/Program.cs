using WPAI.Abstractions.Errors;
using WPAI.Silo.Hosting;

Microsoft.AspNetCore.Builder.WebApplication app;
try
{
    app = WpaiHost.Build(args);
}
catch (WpaiValidationException ex)
{
    // Bad configuration (an unreadable certificate, an unprotected public address, an invalid port): say so and refuse to start.
    await Console.Error.WriteLineAsync("error: " + ex.Message);
    return 2;
}

await app.RunAsync();
return 0;
