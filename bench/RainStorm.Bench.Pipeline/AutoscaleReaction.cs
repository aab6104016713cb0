using System.Diagnostics;
using Akka.Actor;
using RainStorm.Node.Local;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Bench.Pipeline;

/// <summary>
/// How fast the autoscaler reacts (docs/elastic.md, issue 11's targets: the first new task receives tuples ≤ 5 s after
/// the job starts and ≤ 5 s after a rate step; in the band after ≤ 2 decisions). Each round submits a job whose
/// per-task rate starts at 3× high_wm, waits until a task the autoscaler added reports input, then triples the rate
/// and waits for the next added task. Task reports come once a second, so each time is an upper bound by up to ~1 s.
/// </summary>
public static class AutoscaleReaction
{
    private const int LowWm = 100, HighWm = 300;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(string source, int rounds, string hocon)
    {
        var data = Path.Combine(Path.GetTempPath(), "rainstorm-bench", $"autoscale-{Environment.ProcessId}");
        await using var cluster = await LocalCluster.StartAsync(3, data, extraHocon: "rainstorm.log.console-level = ERROR\n" + hocon);
        var name = Path.GetFileName(source);
        await JobRunner.EnsureSourceAsync(cluster.HyDfs, name, source);
        var fromSubmit = new List<TimeSpan>();
        var fromStart = new List<TimeSpan>();
        var fromStep = new List<TimeSpan>();
        var decisions = new List<int>();
        for (var round = 0; round < rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            // One Filter task offered 3 x high_wm tuples/s.
            var jobId = await JobRunner.SubmitAsync(cluster.Leader, $"RainStorm 1 1 Filter , {name} autoscale_{round} false true {3 * HighWm} {LowWm} {HighWm}");
            var started = await NewTaskBusyAsync(cluster.Leader, jobId, widerThan: 0, clock);
            var first = await NewTaskBusyAsync(cluster.Leader, jobId, widerThan: 1, clock);
            fromSubmit.Add(first.At);
            fromStart.Add(first.At - started.At);
            var inBand = await UntilInBandAsync(cluster.Leader, jobId, 3.0 * HighWm);
            decisions.Add(inBand);
            var width = (await TasksAsync(cluster.Leader, jobId)).Count(t => t.Stage == 1);
            // The step comes once the last rescale's cool-down (5 s) and a full averaging window (2 s) are over: what is
            // timed is the reaction to the step, not the wait the policy imposes after a rescale.
            await Task.Delay(TimeSpan.FromSeconds(7));
            clock.Restart();
            await cluster.Leader.Ask<JobRateSet>(new SetJobRate(jobId, 3.0 * HighWm * width), TimeSpan.FromSeconds(30));
            var afterStep = await NewTaskBusyAsync(cluster.Leader, jobId, widerThan: width, clock);
            fromStep.Add(afterStep.At);
            Console.WriteLine($"  round {round + 1}: the job's first task busy {Ms(started.At)} after submit, the first added one {Ms(first.At - started.At)} after that; in band after {inBand} decision(s) at width {width}; " +
                              $"after the rate step to {3 * HighWm * width} tuples/s task {afterStep.Task} busy after {Ms(afterStep.At)}");
            await cluster.Leader.Ask<object>(new KillJob(jobId), TimeSpan.FromSeconds(30));
        }
        Console.WriteLine($"autoscale reaction over {rounds} jobs (high_wm {HighWm}, low_wm {LowWm} tuples/s per task):");
        Console.WriteLine($"  first added task busy after submit: median {Ms(Median(fromSubmit))}, max {Ms(fromSubmit.Max())}");
        Console.WriteLine($"  first added task busy after the job's first task: median {Ms(Median(fromStart))}, max {Ms(fromStart.Max())}");
        Console.WriteLine($"  next added task busy after a rate step: median {Ms(Median(fromStep))}, max {Ms(fromStep.Max())}");
        Console.WriteLine($"  decisions until in band: {string.Join(", ", decisions)}");
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }
    }

    /// <summary>Until a task of stage 1 with an index of at least <paramref name="widerThan"/> reports input.</summary>
    private static async Task<(string Task, TimeSpan At)> NewTaskBusyAsync(IActorRef leader, string jobId, int widerThan, Stopwatch clock)
    {
        while (clock.Elapsed < Limit)
        {
            var added = (await TasksAsync(leader, jobId)).FirstOrDefault(t => t.Stage == 1 && IndexOf(t.Task) >= widerThan && t.InPerSecond > 0);
            if (added is not null) return (added.Task, clock.Elapsed);
            await Task.Delay(100);
        }
        throw new TimeoutException($"no task added to {jobId} past {widerThan} received tuples within {Limit.TotalSeconds:0} s");
    }

    /// <summary>Until the autoscaler's last decision put the per-task rate inside the band; how many decisions it took.</summary>
    private static async Task<int> UntilInBandAsync(IActorRef leader, string jobId, double offered)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Limit)
        {
            var ups = (await leader.Ask<ScalingHistory>(new ListScaling(jobId), TimeSpan.FromSeconds(30))).Entries
                .Where(e => e.Stage == 1 && e.Refusal is null).ToList();
            if (ups.Count > 0 && offered / ups[^1].To <= HighWm) return ups.Count;
            await Task.Delay(200);
        }
        throw new TimeoutException($"{jobId} did not reach its band within {Limit.TotalSeconds:0} s");
    }

    private static async Task<IReadOnlyList<TaskInfo>> TasksAsync(IActorRef leader, string jobId) =>
        (await leader.Ask<TaskList>(new ListTasks(jobId), TimeSpan.FromSeconds(30))).Tasks;

    /// <summary>The index of a task name job/stage/index[#attempt][@generation].</summary>
    private static int IndexOf(string task) => int.Parse(task.Split('/')[2].Split('#', '@')[0]);

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:0} ms";
}
