
namespace RainStorm.Integration.Tests.Dashboard;

/// <summary>Debian's chromium, headless (installed by .ci/run): the DOM a page has after its scripts ran, and
/// screenshots. Each call is a fresh browser, so a second call is a reload with nothing kept on the client.</summary>
public static class Chromium
{
    public const string Binary = "/usr/bin/chromium";

    public static Task<string> DumpDomAsync(Uri url) => RunAsync(url, "--dump-dom");

    public static async Task ScreenshotAsync(Uri url, string png, int width, int height) =>
        await RunAsync(url, $"--screenshot={png}", $"--window-size={width},{height}", "--hide-scrollbars");

    private static async Task<string> RunAsync(Uri url, params string[] what)
    {
        if (!File.Exists(Binary)) throw new InvalidOperationException($"{Binary} is missing: .ci/run installs Debian's chromium (apt-get install -y chromium).");
        var profile = Directory.CreateTempSubdirectory("rainstorm-chromium-");
        // Virtual time lets the page's fetches and first render finish before the DOM is taken.
        string[] args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            $"--user-data-dir={profile.FullName}", "--virtual-time-budget=5000", .. what, url.ToString()];
        try
        {
            return (await ProcessRun.RunAsync(TimeSpan.FromSeconds(120), Binary, args)).Out;
        }
        finally
        {
            try { profile.Delete(recursive: true); } catch (IOException) { }
        }
    }
}
