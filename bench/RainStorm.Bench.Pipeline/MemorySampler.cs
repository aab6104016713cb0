using System.Diagnostics;

namespace RainStorm.Bench.Pipeline;

/// <summary>Samples the resident set size of some processes twice a second while a job runs: the first sample and
/// the peak per process.</summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private readonly IReadOnlyList<Process> _processes;
    private readonly long[] _first;
    private readonly long[] _peak;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public MemorySampler(IReadOnlyList<Process> processes)
    {
        _processes = processes;
        _first = new long[processes.Count];
        _peak = new long[processes.Count];
        _sampling = Task.Run(SampleAsync);
    }

    public IReadOnlyList<(long FirstBytes, long PeakBytes)> Results =>
        Enumerable.Range(0, _processes.Count).Select(i => (_first[i], _peak[i])).ToList();

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        do
        {
            for (var i = 0; i < _processes.Count; i++)
            {
                var process = _processes[i];
                process.Refresh();
                var rss = process.HasExited ? 0 : process.WorkingSet64;
                if (_first[i] == 0) _first[i] = rss;
                _peak[i] = Math.Max(_peak[i], rss);
            }
        } while (await timer.WaitForNextTickAsync(_stop.Token).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result));
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _sampling;
        _stop.Dispose();
    }
}
