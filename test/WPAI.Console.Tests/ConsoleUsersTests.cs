using System.Net;
using System.Net.Http.Headers;
using System.Text;
using WPAI.Abstractions.Contracts;
using WPAI.Abstractions.Errors;

namespace WPAI.Console.Tests;

/// <summary>
/// With <c>Wpai:Auth</c> on, the console's users are the cluster's credentials: a department's submitter signs in with
/// its token and may submit and cancel that department's jobs only; the admin token may do everything; /health stays
/// open for probes.
/// </summary>
public sealed class ConsoleUsersTests(ConsoleUsersTests.TokenSilo silo, Browser browser) : IClassFixture<ConsoleUsersTests.TokenSilo>, IClassFixture<Browser>
{
    private const string AdminToken = "admin-token-5f0c2a9e41d7b3";
    private const string ResearchToken = "research-token-8b1e6d2c07a4f9";

    [Fact]
    public async Task Submitter_SubmitsAndCancelsItsOwnDepartmentsJobs_AndIsRefusedAnotherDepartments()
    {
        var pool = ConsoleSilo.Fresh("S");
        await silo.AddNodeAsync(ConsoleSilo.Fresh("n"), pool, 2);
        await silo.Client.SetQuotaAsync("research", new Dictionary<string, int> { [pool] = 1 });
        await silo.Client.SetQuotaAsync("vision", new Dictionary<string, int> { [pool] = 1 });
        var theirs = ConsoleSilo.Fresh("vision-job");
        await silo.SubmitAsync(theirs, "vision", 2, pool);
        var signedIn = new UriBuilder(silo.BaseAddress) { UserName = "research", Password = ResearchToken }.Uri;

        browser.Open(signedIn, "/jobs");
        Assert.StartsWith("signed in as research (submitter of research", browser.Find("#user").Text, StringComparison.Ordinal);
        var ours = ConsoleSilo.Fresh("research-job");
        SubmitFromThePage(ours, "research", pool);
        browser.WaitForText("h1", t => t == $"Job {ours}");
        Assert.Equal("research", (await silo.Client.GetJobAsync(ours)).Spec.Department);
        browser.Find("#cancel").Click();
        Assert.Equal("Cancelled", browser.WaitForText("#state", t => t == "Cancelled"));

        browser.Open(signedIn, "/jobs");
        var forged = ConsoleSilo.Fresh("forged");
        SubmitFromThePage(forged, "vision", pool);
        var refused = browser.WaitForText("#submit-error", t => t.Length > 0);
        Assert.StartsWith("Not submitted: access denied: the submitter of department 'research' may submit only 'research' jobs", refused, StringComparison.Ordinal);
        await Assert.ThrowsAsync<WpaiNotFoundException>(() => silo.Client.GetJobAsync(forged));

        browser.Open(signedIn, $"/jobs/{theirs}");
        browser.Find("#cancel").Click();
        var notCancelled = browser.WaitForText("#cancel-error", t => t.Length > 0);
        Assert.Contains($"may cancel only 'research' jobs; job '{theirs}' belongs to 'vision'", notCancelled, StringComparison.Ordinal);
        browser.WaitForLiveRefreshes(2); // the refusal outlasts the page's live updates (it is not in the swapped region)
        Assert.Equal(notCancelled, browser.Find("#cancel-error").Text);
        Assert.NotEqual(JobStatus.Cancelled, (await silo.Client.GetJobAsync(theirs)).Status);
    }

    [Fact]
    public async Task TheClustersTokens_AreTheConsolesPasswords_AndHealthStaysOpen()
    {
        using var http = new HttpClient { BaseAddress = silo.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, null, "/jobs"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, "research:wrong-token-0000000000", "/jobs"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, "vision:" + ResearchToken, "/jobs")); // another department's name
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, "research:" + AdminToken, "/metrics")); // the admin token is user admin's
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, null, "/health"));

        http.DefaultRequestHeaders.Authorization = Basic("admin:" + AdminToken);
        var page = await http.GetStringAsync(new Uri("/jobs", UriKind.Relative));
        Assert.Contains("signed in as admin (admin)", page, StringComparison.Ordinal);
    }

    private void SubmitFromThePage(string job, string department, string pool)
    {
        Fill("#submit-id", job);
        Fill("#submit-department", department);
        Fill("#submit-models", pool);
        Fill("#submit-gpus", "1");
        browser.Find("#submit").Click();
    }

    private void Fill(string css, string value)
    {
        var input = browser.Find(css);
        input.Clear();
        input.SendKeys(value);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string? credentials, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = credentials is null ? null : Basic(credentials);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static AuthenticationHeaderValue Basic(string credentials) => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));

    /// <summary>A silo with the cluster's tokens configured (and no dashboard username): the console takes them as passwords.</summary>
    public sealed class TokenSilo : ConsoleSilo
    {
        protected override IEnumerable<string> ExtraArgs => ["--Wpai:Auth:AdminToken", AdminToken, "--Wpai:Auth:Submitters:research", ResearchToken];
    }
}
