using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace WPAI.Console.Tests;

/// <summary>
/// One headless Debian Chromium per test class, driven through Debian's chromedriver (installed by
/// <c>scripts/chromium.sh</c>, which <c>test.sh</c> runs). When <c>WPAI_SCREENSHOTS</c> names a directory, the tests
/// save their screenshots there (the README's pictures under <c>docs/</c> were taken so).
/// </summary>
public sealed class Browser : IDisposable
{
    private const string Driver = "/usr/bin/chromedriver";
    private const string Chromium = "/usr/bin/chromium";

    /// <summary>How long a page may take to show what a test waits for (a bound on polling, never an assertion on speed).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public Browser()
    {
        if (!File.Exists(Driver) || !File.Exists(Chromium))
        {
            throw new InvalidOperationException(
                $"the browser tests need Debian's chromium and chromium-driver ({Chromium}, {Driver}): run scripts/chromium.sh (as root, or with sudo) or apt-get install chromium chromium-driver");
        }

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000", "--lang=en-US");
        Web = new ChromeDriver(service, options, Patience);
        Web.Manage().Timeouts().PageLoad = Patience;
    }

    public IWebDriver Web { get; }

    public string Text => Web.FindElement(By.TagName("body")).Text;

    public void Open(Uri baseAddress, string path) => Web.Navigate().GoToUrl(new Uri(baseAddress, path));

    public IWebElement Find(string css) => Web.FindElement(By.CssSelector(css));

    /// <summary>
    /// Clicks the element, finding it again if the page's live update replaced it between the find and the click
    /// (a stale element), until <see cref="Patience"/> runs out.
    /// </summary>
    public void Click(string css)
    {
        ElementWait().Until(d =>
        {
            d.FindElement(By.CssSelector(css)).Click();
            return true;
        });
    }

    /// <summary>Waits until the element exists and its text satisfies <paramref name="condition"/>; returns that text.</summary>
    public string WaitForText(string css, Func<string, bool> condition)
    {
        return ElementWait().Until(d =>
        {
            var text = d.FindElement(By.CssSelector(css)).Text;
            return condition(text) ? text : null;
        })!;
    }

    /// <summary>A wait within <see cref="Patience"/> that retries while the element is missing or was replaced (stale).</summary>
    private WebDriverWait ElementWait()
    {
        var wait = new WebDriverWait(Web, Patience) { PollingInterval = TimeSpan.FromMilliseconds(200) };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait;
    }

    /// <summary>
    /// Waits until the page's live update (App.razor: it fetches the page's own URL every 2 s and swaps the region
    /// marked <c>data-live</c>) has fetched at least <paramref name="count"/> times since the page loaded.
    /// </summary>
    public void WaitForLiveRefreshes(int count)
    {
        var wait = new WebDriverWait(Web, Patience) { PollingInterval = TimeSpan.FromMilliseconds(200) };
        wait.Until(d => Convert.ToInt64(
            ((IJavaScriptExecutor)d).ExecuteScript(
                "return performance.getEntriesByType('resource').filter(e => e.initiatorType === 'fetch' && e.responseEnd > 0).length;"),
            System.Globalization.CultureInfo.InvariantCulture) >= count);
    }

    /// <summary>Saves a screenshot as <c>NAME.png</c> in <c>WPAI_SCREENSHOTS</c> when that is set.</summary>
    public void Screenshot(string name)
    {
        var directory = Environment.GetEnvironmentVariable("WPAI_SCREENSHOTS");
        if (string.IsNullOrEmpty(directory))
        {
            return;
        }

        Directory.CreateDirectory(directory);
        ((ITakesScreenshot)Web).GetScreenshot().SaveAsFile(Path.Combine(directory, name + ".png"));
    }

    public void Dispose()
    {
        Web.Quit();
        Web.Dispose();
    }
}
