using Akka.Actor;
using RainStorm.Node.Local;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Bench.Pipeline;

/// <summary>
/// End-to-end latency at a paced input rate (the checkpoints issue's target: exactly_once p99 ≤ 2 s at 10,000 tuples/s
/// with the default 1 s checkpoint interval). On node processes, the job <c>latency_stamp</c> → <c>AggregateByKey 0</c>
/// reads a generated traffic-sign file at the rate. Its first stage prefixes each line with the wall-clock time the
/// line reached it (<see cref="LatencyStamp"/>); the aggregate keys by that stamp, so every line crosses a shuffle into
/// keyed state (checkpoint barriers are aligned there), and writes <c>stamp,count</c>, one output line per input line.
/// The bench polls the destination in HyDFS (<see cref="DestinationPoller"/>); a line's latency is the time it was first
/// seen there minus its stamp.
/// </summary>
public static class EndToEndLatency
{
    private static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private sealed record Result(string Mode, long Expected, long[] SortedMicros, string Job);

    /// <param name="sourceLines">Lines of <paramref name="source"/>, its header included.</param>
    public static async Task RunAsync(string source, long sourceLines, int rate, int nodes, int tasks, string hocon,
        bool[] exactlyOnceModes, bool keepData)
    {
        var runDir = Path.Combine(Path.GetTempPath(), "rainstorm-bench", $"latency-{Environment.ProcessId}");
        var operators = Path.Combine(runDir, "operators");
        LatencyStamp.Install(operators);
        var warmup = Path.Combine(runDir, "latency_warmup.csv");
        TrafficSignGenerator.Write(warmup, 2L * rate, seed: 1);
        var results = new List<Result>();
        Console.WriteLine($"latency: {sourceLines:N0} lines at {rate:N0} tuples/s on {nodes} node processes, {tasks} tasks per stage, polled every {PollPeriod.TotalMilliseconds:0} ms; load average {ProcessCpu.LoadAverage()}");
        await using (var cluster = await ProcessCluster.StartAsync(nodes, Path.Combine(runDir, "cluster"), operatorDir: operators, extraHocon: hocon))
        {
            var name = Path.GetFileName(source);
            await JobRunner.EnsureSourceAsync(cluster.HyDfs, name, source);
            await JobRunner.EnsureSourceAsync(cluster.HyDfs, Path.GetFileName(warmup), warmup);
            // Each mode once on a 2 s file first, so no measured job pays for the nodes' first use of its code paths.
            foreach (var exactlyOnce in exactlyOnceModes)
            {
                var warm = await MeasureAsync(cluster, Path.GetFileName(warmup), $"latency_warmup_{Flag(exactlyOnce)}", 2L * rate + 1, exactlyOnce, rate, tasks, details: false);
                Console.WriteLine($"  warm-up, {warm.Mode}: {warm.Job}; p50 {Ms(Percentile(warm.SortedMicros, 0.5))}, p99 {Ms(Percentile(warm.SortedMicros, 0.99))}");
            }
            foreach (var exactlyOnce in exactlyOnceModes)
            {
                var result = await MeasureAsync(cluster, name, $"latency_out_{Flag(exactlyOnce)}", sourceLines, exactlyOnce, rate, tasks, details: true);
                results.Add(result);
                Console.WriteLine($"  {result.Mode}: {result.Job}");
            }
        }
        Console.WriteLine();
        Console.WriteLine("| mode | p50 | p99 | max | lines measured |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var r in results)
            Console.WriteLine($"| {r.Mode} | {Ms(Percentile(r.SortedMicros, 0.5))} | {Ms(Percentile(r.SortedMicros, 0.99))} | {Ms(r.SortedMicros.LastOrDefault())} | {r.SortedMicros.Length:N0} of {r.Expected:N0} |");
        var complete = results.All(r => r.SortedMicros.Length == r.Expected);
        if (keepData || !complete) Console.WriteLine($"node data and logs kept in {runDir}");
        else try { Directory.Delete(runDir, recursive: true); } catch (IOException) { }
    }

    /// <param name="details">Print the CPU, the load, how often output became visible and the latency per 10 s of input.</param>
    private static async Task<Result> MeasureAsync(ProcessCluster cluster, string source, string destination, long expected,
        bool exactlyOnce, int rate, int tasks, bool details)
    {
        var limit = TimeSpan.FromSeconds(3.0 * expected / rate + 120);
        var stamps = new List<long>((int)Math.Min(expected, int.MaxValue));
        var latencies = new List<long>(stamps.Capacity);
        var revealedAt = new List<long>();
        long unparsed = 0;
        var loadBefore = ProcessCpu.LoadAverage();
        var cpuBefore = ProcessCpu.Seconds(cluster.NodeProcesses);
        using var deadline = new CancellationTokenSource(limit);
        var jobId = await JobRunner.SubmitAsync(cluster.Leader, JobLine(source, destination, tasks, exactlyOnce, rate));
        var ended = JobRunner.WaitAsync(cluster.Client, cluster.Leader, jobId, ct: deadline.Token);
        var seen = await DestinationPoller.RunAsync(cluster.HyDfs, destination, PollPeriod, expected, ended, (line, at) =>
        {
            if (!LatencyStamp.TryParse(line, out var stamp))
            {
                unparsed++;
                return;
            }
            stamps.Add(stamp);
            latencies.Add(at - stamp);
            if (revealedAt.Count == 0 || revealedAt[^1] != at) revealedAt.Add(at);
        }, deadline.Token);
        string job;
        try
        {
            job = JobRunner.Describe(await ended);
        }
        catch (OperationCanceledException)
        {
            await cluster.Leader.Ask<object>(new KillJob(jobId), TimeSpan.FromSeconds(30));
            job = $"{jobId} killed: not ended within {limit.TotalSeconds:0} s";
        }
        var cpuAfter = ProcessCpu.Seconds(cluster.NodeProcesses);
        var result = new Result(Mode(exactlyOnce), expected, latencies.Order().ToArray(), job);
        if (!details) return result;
        Console.WriteLine($"  {result.Mode}: {seen:N0} lines seen ({unparsed} without a stamp); node CPU {cpuAfter.Own - cpuBefore.Own:0.0} s, " +
                          $"their user operator children {cpuAfter.Children - cpuBefore.Children:0.0} s; load average {loadBefore} -> {ProcessCpu.LoadAverage()}");
        var gaps = revealedAt.Zip(revealedAt.Skip(1), (a, b) => b - a).Order().ToArray();
        Console.WriteLine($"    new lines became visible at {revealedAt.Count} polls; gap between those p50 {Ms(Percentile(gaps, 0.5))}, p99 {Ms(Percentile(gaps, 0.99))}, max {Ms(gaps.LastOrDefault())}; " +
                          $"latency min {Ms(result.SortedMicros.FirstOrDefault())}, p10 {Ms(Percentile(result.SortedMicros, 0.1))}");
        if (stamps.Count == 0) return result;
        var first = stamps.Min();
        var window = (long)Window.TotalMicroseconds;
        foreach (var group in stamps.Zip(latencies).GroupBy(s => (s.First - first) / window).OrderBy(g => g.Key))
        {
            var w = group.Select(s => s.Second).Order().ToArray();
            Console.WriteLine($"    stamped {group.Key * Window.TotalSeconds:0}-{(group.Key + 1) * Window.TotalSeconds:0} s in: {w.Length,7:N0} lines, p50 {Ms(Percentile(w, 0.5))}, p99 {Ms(Percentile(w, 0.99))}, max {Ms(w[^1])}");
        }
        return result;
    }

    private static string JobLine(string source, string destination, int tasks, bool exactlyOnce, int rate) =>
        $"RainStorm 2 {tasks} {LatencyStamp.Name} - AggregateByKey 0 {source} {destination} {Flag(exactlyOnce)} false {rate} 0 0";

    private static string Flag(bool exactlyOnce) => exactlyOnce ? "true" : "false";

    private static string Mode(bool exactlyOnce) => exactlyOnce ? "exactly_once" : "at-least-once";

    /// <summary>Nearest rank.</summary>
    private static long Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static string Ms(long micros) => $"{micros / 1000.0:N0} ms";
}
