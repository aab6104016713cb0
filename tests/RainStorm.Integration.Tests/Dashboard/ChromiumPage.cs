using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RainStorm.Integration.Tests.Dashboard;

/// <summary>
/// A page open in headless Chromium at a given window size, driven over the DevTools protocol (a WebSocket on
/// loopback): a test evaluates JavaScript in it to measure the laid-out page, which a DOM dump cannot show.
/// </summary>
public sealed partial class ChromiumPage : IAsyncDisposable
{
    [GeneratedRegex(@"DevTools listening on (ws://127\.0\.0\.1:(\d+)/\S+)")]
    private static partial Regex Listening();

    private readonly Process _process;
    private readonly DirectoryInfo _profile;
    private readonly ClientWebSocket _socket = new();
    private int _nextId;

    private ChromiumPage(Process process, DirectoryInfo profile)
    {
        _process = process;
        _profile = profile;
    }

    public static async Task<ChromiumPage> OpenAsync(Uri url, int width, int height)
    {
        if (!File.Exists(Chromium.Binary)) throw new InvalidOperationException($"{Chromium.Binary} is missing: .ci/run installs Debian's chromium (apt-get install -y chromium).");
        var profile = Directory.CreateTempSubdirectory("rainstorm-chromium-");
        var info = new ProcessStartInfo(Chromium.Binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--hide-scrollbars",
                     $"--user-data-dir={profile.FullName}", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                     $"--window-size={width},{height}", url.ToString() })
            info.ArgumentList.Add(arg);
        var page = new ChromiumPage(Process.Start(info)!, profile);
        try
        {
            _ = page._process.StandardOutput.ReadToEndAsync();
            var port = await page.DevToolsPortAsync().WaitAsync(TimeSpan.FromSeconds(60));
            using var http = new HttpClient();
            var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"))!.AsArray();
            var target = targets.First(t => t!["type"]!.GetValue<string>() == "page")!;
            await page._socket.ConnectAsync(new Uri(target["webSocketDebuggerUrl"]!.GetValue<string>()), CancellationToken.None);
            // A headless window is at least 500 px wide: narrower sizes are emulated as a device's viewport.
            await page.SendAsync("Emulation.setDeviceMetricsOverride",
                new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false });
            await page.WaitUntilAsync($"location.href.startsWith('{url.GetLeftPart(UriPartial.Authority)}') && document.readyState === 'complete'",
                TimeSpan.FromSeconds(60), "the page loaded");
            return page;
        }
        catch
        {
            await page.DisposeAsync();
            throw;
        }
    }

    private async Task<int> DevToolsPortAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            var match = Listening().Match(line);
            if (!match.Success) continue;
            _ = _process.StandardError.ReadToEndAsync();
            return int.Parse(match.Groups[2].Value);
        }
        throw new InvalidOperationException("chromium ended without opening its DevTools port.");
    }

    /// <summary>The value of a JavaScript expression in the page (JSON-serialisable values only).</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true });
        if (result?["exceptionDetails"] is { } thrown)
            throw new InvalidOperationException($"the page threw: {thrown["exception"]?["description"] ?? thrown.ToJsonString()}");
        return result?["result"]?["value"];
    }

    /// <summary>One DevTools command; its result.</summary>
    private async Task<JsonNode?> SendAsync(string method, JsonObject parameters)
    {
        var id = Interlocked.Increment(ref _nextId);
        var request = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, true, timeout.Token);
        while (true)
        {
            var reply = JsonNode.Parse(await ReceiveAsync(timeout.Token))!;
            if (reply["id"]?.GetValue<int>() != id) continue; // events
            if (reply["error"] is { } error) throw new InvalidOperationException($"chromium refused {method}: {error.ToJsonString()}");
            return reply["result"];
        }
    }

    /// <summary>Evaluates <paramref name="condition"/> until it is true (the page fetches and renders by itself).</summary>
    public async Task WaitUntilAsync(string condition, TimeSpan within, string what)
    {
        var clock = Stopwatch.StartNew();
        while (await EvaluateAsync($"!!({condition})") is not JsonValue v || !v.GetValue<bool>())
        {
            if (clock.Elapsed > within) throw new TimeoutException($"the page never showed {what} within {within.TotalSeconds:0} s");
            await Task.Delay(200);
        }
    }

    private async Task<string> ReceiveAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("chromium closed the DevTools connection.");
            message.Write(buffer, 0, result.Count);
        } while (!result.EndOfMessage);
        return Encoding.UTF8.GetString(message.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { });
        _process.Dispose();
        try { _profile.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
