using System.Diagnostics;

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
        var info = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Virtual time lets the page's fetches and first render finish before the DOM is taken.
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                     $"--user-data-dir={profile.FullName}", "--virtual-time-budget=5000" }.Concat(what).Append(url.ToString()))
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
            return await stdout;
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            try { profile.Delete(recursive: true); } catch (IOException) { }
        }
    }
}
