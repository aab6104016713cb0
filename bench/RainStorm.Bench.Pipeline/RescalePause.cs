using System.Diagnostics;
using Akka.Actor;
using RainStorm.Node.Local;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Bench.Pipeline;

/// <summary>
/// The pause a live rescale causes (docs/elastic.md, issue 11): a paced job whose every line reaches the sink is followed
/// (its output batches timestamped as they arrive), its stage is rescaled again and again, and for each rescale the
/// longest gap between output batches from just before it started to just after it ended is its pause. The same gap
/// measured over quiet stretches between rescales is the noise floor.
/// </summary>
public static class RescalePause
{
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(300);

    /// <param name="exactlyOnceModes">The delivery modes to measure each case in (false: at-least-once).</param>
    public static async Task RunAsync(string source, int rescales, int rate, string hocon, bool[] exactlyOnceModes)
    {
        var data = Path.Combine(Path.GetTempPath(), "rainstorm-bench", $"rescale-{Environment.ProcessId}");
        await using var cluster = await LocalCluster.StartAsync(3, data, extraHocon: "rainstorm.log.console-level = ERROR\n" + hocon);
        var name = Path.GetFileName(source);
        await JobRunner.EnsureSourceAsync(cluster.HyDfs, name, source);
        // Filter "," keeps every line, so the sink's output is as continuous as the input.
        foreach (var exactlyOnce in exactlyOnceModes)
        {
            var (mode, flag) = exactlyOnce ? (", exactly_once", "true") : ("", "false");
            await MeasureAsync(cluster, $"stateless (Filter, stage 1){mode}",
                $"RainStorm 2 3 Filter \",\" Transform 0-2 {name} pause_stateless_{flag} {flag} false {rate} 0 0", 1, rescales);
            await MeasureAsync(cluster, $"stateful (AggregateByKey, stage 2){mode}",
                $"RainStorm 2 3 Filter \",\" AggregateByKey 8 {name} pause_stateful_{flag} {flag} false {rate} 0 0", 2, rescales);
        }
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }
    }

    private static async Task MeasureAsync(LocalCluster cluster, string label, string jobLine, int stage, int rescales)
    {
        var clock = Stopwatch.StartNew();
        var arrivals = new List<TimeSpan>();
        var job = await JobRunner.SubmitAndFollowAsync(cluster.First, cluster.Leader, jobLine, _ =>
        {
            lock (arrivals) arrivals.Add(clock.Elapsed);
        });
        while (true)
        {
            lock (arrivals) if (arrivals.Count > 20) break;
            await Task.Delay(100);
        }
        int[] widths = [5, 2, 4, 1, 3, 6, 2, 5, 3, 4];
        var windows = new List<(TimeSpan Start, TimeSpan End, TimeSpan Took)>();
        for (var i = 0; i < rescales; i++)
        {
            await Task.Delay(700);
            var start = clock.Elapsed;
            var reply = await cluster.Leader.Ask<object>(new RescaleStage(job.JobId, stage, widths[i % widths.Length]), TimeSpan.FromSeconds(60));
            while (reply is CommandFailed { Message: var m } && m.Contains("still finishing", StringComparison.Ordinal))
            {
                await Task.Delay(50);
                start = clock.Elapsed;
                reply = await cluster.Leader.Ask<object>(new RescaleStage(job.JobId, stage, widths[i % widths.Length]), TimeSpan.FromSeconds(60));
            }
            if (reply is not StageRescaled rescaled)
            {
                Console.WriteLine($"  rescale {i + 1} refused: {(reply as CommandFailed)?.Message}");
                break;
            }
            windows.Add((start, clock.Elapsed, rescaled.Took));
        }
        var summary = await job.Ended;
        await Task.Delay(200);
        List<TimeSpan> seen;
        lock (arrivals) seen = arrivals.ToList();
        var pauses = windows.Select(w => LongestGap(seen, w.Start - Margin, w.End + Margin)).Order().ToList();
        var quiet = windows.Zip(windows.Skip(1), (a, b) => LongestGap(seen, a.End + Margin, b.Start - Margin)).Order().ToList();
        var took = windows.Select(w => w.Took).Order().ToList();
        Console.WriteLine($"{label}: {windows.Count} rescales, job {summary.Status}, {summary.TuplesOut:N0} output lines");
        Console.WriteLine($"  pause (longest gap in the sink's output around a rescale): p50 {Ms(Percentile(pauses, 0.5))}, p99 {Ms(Percentile(pauses, 0.99))}, max {Ms(pauses.LastOrDefault())}");
        Console.WriteLine($"  rescale duration (request to new routing): p50 {Ms(Percentile(took, 0.5))}, p99 {Ms(Percentile(took, 0.99))}");
        Console.WriteLine($"  noise floor (longest gap between rescales): p50 {Ms(Percentile(quiet, 0.5))}, p99 {Ms(Percentile(quiet, 0.99))}");
    }

    private static TimeSpan LongestGap(List<TimeSpan> arrivals, TimeSpan from, TimeSpan to)
    {
        var longest = TimeSpan.Zero;
        var previous = arrivals.LastOrDefault(a => a <= from);
        foreach (var at in arrivals.Where(a => a > from))
        {
            longest = TimeSpan.FromTicks(Math.Max(longest.Ticks, (at - previous).Ticks));
            previous = at;
            if (at >= to) break;
        }
        return longest;
    }

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:0} ms";
}
