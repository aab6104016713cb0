using System.Diagnostics;
using System.Text.Json;

namespace RainStorm.Bench.Pipeline;

/// <summary>
/// What a dashboard open on a job and a Prometheus server add: every node's /metrics scraped every second, and the job
/// page's API calls (actions, job, tasks, history, as the page makes them) every 2 s on the first node. Runs until
/// disposed; counts what it fetched.
/// </summary>
public sealed class DashboardLoad : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public int Scrapes { get; private set; }
    public int PageRefreshes { get; private set; }
    public long MetricsBytes { get; private set; }
    public int Failures { get; private set; }

    public DashboardLoad(IReadOnlyList<Uri> nodes) => _loop = RunAsync(nodes, _stop.Token);

    private async Task RunAsync(IReadOnlyList<Uri> nodes, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var tick = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    await TickAsync(nodes, tick++, ct);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    Failures++; // a slow answer on a loaded machine: counted, the load goes on
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task TickAsync(IReadOnlyList<Uri> nodes, int tick, CancellationToken ct)
    {
        foreach (var node in nodes)
        {
            MetricsBytes += (await _http.GetStringAsync(new Uri(node, "/metrics"), ct)).Length;
            Scrapes++;
        }
        if (tick % 2 != 0) return;
        using var jobs = JsonDocument.Parse(await _http.GetStringAsync(new Uri(nodes[0], "/api/v1/jobs"), ct));
        var last = jobs.RootElement.EnumerateArray().LastOrDefault();
        if (last.ValueKind != JsonValueKind.Object) return;
        var id = last.GetProperty("id").GetString();
        foreach (var path in new[] { "/api/v1/actions", $"/api/v1/jobs/{id}", $"/api/v1/jobs/{id}/tasks", $"/api/v1/jobs/{id}/history" })
            await _http.GetStringAsync(new Uri(nodes[0], path), ct);
        PageRefreshes++;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _http.Dispose();
        _stop.Dispose();
    }
}
