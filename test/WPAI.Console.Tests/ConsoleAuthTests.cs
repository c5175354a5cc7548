namespace WPAI.Console.Tests;

/// <summary>With a username and password configured, the console refuses an unauthenticated visitor and serves one who signs in.</summary>
public sealed class ConsoleAuthTests(ConsoleAuthTests.AuthSilo silo, Browser browser) : IClassFixture<ConsoleAuthTests.AuthSilo>, IClassFixture<Browser>
{
    [Fact]
    public async Task Console_WithCredentialsConfigured_RefusesAnUnauthenticatedVisitor()
    {
        var department = ConsoleSilo.Fresh("secret");
        await silo.AddNodeAsync(ConsoleSilo.Fresh("n"), "A100", 8);
        await silo.Client.SetQuotaAsync(department, new Dictionary<string, int> { ["A100"] = 8 });

        // The browser gets nothing of the console (headless Chromium shows no sign-in prompt; the silo answers 401).
        browser.Open(silo.BaseAddress, $"/departments/{department}");
        Assert.DoesNotContain(department, browser.Text, StringComparison.Ordinal);
        Assert.Empty(browser.Web.FindElements(OpenQA.Selenium.By.CssSelector("header, h1, table")));
        using (var http = new HttpClient { BaseAddress = silo.BaseAddress })
        using (var response = await http.GetAsync(new Uri($"/departments/{department}", UriKind.Relative)))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.DoesNotContain(department, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var signedIn = new UriBuilder(silo.BaseAddress) { UserName = "admin", Password = "s3cret-console" }.Uri;
        browser.Open(signedIn, $"/departments/{department}");
        Assert.Equal($"Department {department}", browser.Find("h1").Text);
    }

    /// <summary>A silo whose HTTP endpoints (console, dashboard, metrics) need basic authentication.</summary>
    public sealed class AuthSilo : ConsoleSilo
    {
        protected override IEnumerable<string> ExtraArgs => ["--Wpai:Dashboard:Username", "admin", "--Wpai:Dashboard:Password", "s3cret-console"];
    }
}
