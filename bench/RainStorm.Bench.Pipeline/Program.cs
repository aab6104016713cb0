using System.Diagnostics;
using RainStorm.Bench.Pipeline;
using RainStorm.Node.Local;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

// One command: dotnet run -c Release --project bench/RainStorm.Bench.Pipeline [-- --lines N --nodes N --tasks N]
var lines = 5_000_000L;
var linesGiven = false;
var nodes = 3;
var tasks = 3;
var baselines = true;
var streamsBaseline = true;
var processes = true;
var hocon = "";
var memory = false;
var keepData = false;
var local = true;
var dashboard = false;
var repeat = 1;
var rescales = 0;
int? inputRate = null;
var autoscaleRounds = 0;
var latencySeconds = 0;
string[] appNames = ["App 2", "App 1"];
bool[] exactlyOnceModes = [false, true];
for (var i = 0; i < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--no-baselines": baselines = false; i--; break;
        case "--no-streams": streamsBaseline = false; i--; break;
        case "--no-processes": processes = false; i--; break;
        case "--no-exactly-once": exactlyOnceModes = [false]; i--; break;
        case "--memory": memory = true; i--; break;
        case "--keep-data": keepData = true; i--; break;
        case "--no-local": local = false; i--; break;
        case "--dashboard": dashboard = true; i--; break;
        case "--repeat": repeat = int.Parse(args[i + 1]); break;
        case "--rescale": rescales = int.Parse(args[i + 1]); break;
        case "--rate": inputRate = int.Parse(args[i + 1]); break;
        case "--autoscale": autoscaleRounds = int.Parse(args[i + 1]); break;
        case "--latency": latencySeconds = int.Parse(args[i + 1]); break;
        case "--only-exactly-once": exactlyOnceModes = [true]; i--; break;
        case "--app": appNames = [$"App {args[i + 1]}"]; break;
        case "--hocon": hocon = args[i + 1]; break;
        case "--lines": lines = long.Parse(args[i + 1]); linesGiven = true; break;
        case "--nodes": nodes = int.Parse(args[i + 1]); break;
        case "--tasks": tasks = int.Parse(args[i + 1]); break;
        default: Console.Error.WriteLine($"unknown option {args[i]} (expected --lines, --nodes, --tasks, --no-baselines, --no-streams, --no-processes, --no-exactly-once, --only-exactly-once, --app 1|2, --memory, --keep-data, --hocon TEXT, --no-local, --dashboard, --repeat N, --rescale N [--rate tuples/s], --autoscale N, --latency SECONDS [--rate tuples/s])"); return 2;
    }
}

// Latency mode reads its own file: SECONDS of input at the rate.
if (latencySeconds > 0 && !linesGiven) lines = (long)latencySeconds * (inputRate ?? 10_000);

var work = Path.Combine(Path.GetTempPath(), "rainstorm-bench");
Directory.CreateDirectory(work);
var source = Path.Combine(work, $"signs_{lines}.csv");
if (!File.Exists(source))
{
    Console.WriteLine($"generating {lines:N0} traffic-sign lines (seed 425) into {source} ...");
    var partial = $"{source}.{Environment.ProcessId}.tmp";
    TrafficSignGenerator.Write(partial, lines);
    File.Move(partial, source, overwrite: true);
}
var bytes = new FileInfo(source).Length;
Console.WriteLine($"source: {source}, {lines + 1:N0} lines, {bytes / 1e6:N0} MB; {Environment.ProcessorCount} cores");

var results = new List<(string App, string Runner, long Lines, long Outputs, TimeSpan Elapsed)>();
var cpuPerMillion = new Dictionary<int, double>(); // index in results -> node CPU seconds per million lines
void Report(string app, string runner, long n, long outputs, TimeSpan elapsed)
{
    results.Add((app, runner, n, outputs, elapsed));
    Console.WriteLine($"  {app} {runner,-28} {n,11:N0} lines {outputs,11:N0} outputs {elapsed.TotalSeconds,7:0.00} s {n / elapsed.TotalSeconds,13:N0} tuples/s");
}

if (rescales > 0)
{
    // Rescale mode: the pause per live rescale, stateless and stateful (RescalePause.cs).
    await RescalePause.RunAsync(source, rescales, inputRate ?? 4000, hocon, exactlyOnceModes);
    return 0;
}

if (autoscaleRounds > 0)
{
    // Autoscale mode: how fast the autoscaler puts a new task to work (AutoscaleReaction.cs).
    await AutoscaleReaction.RunAsync(source, autoscaleRounds, hocon);
    return 0;
}

if (latencySeconds > 0)
{
    // Latency mode: from a line entering the job to its output line in the HyDFS destination, paced (EndToEndLatency.cs).
    await EndToEndLatency.RunAsync(source, lines + 1, inputRate ?? 10_000, nodes, tasks, hocon, exactlyOnceModes, keepData);
    return 0;
}

if (memory)
{
    // Memory mode: App 2, App 1, then both with exactly_once, on node processes only, their resident memory sampled while each job reads the
    // whole file (a long run also gives the steady-state throughput, start-up being a small share of it).
    var memoryData = Path.Combine(work, $"run-{Environment.ProcessId}");
    await using (var cluster = await ProcessCluster.StartAsync(nodes, memoryData))
    {
        var name = Path.GetFileName(source);
        await JobRunner.EnsureSourceAsync(cluster.HyDfs, name, source);
        Console.WriteLine("| app | source | lines | job | tuples/s | " + string.Join(" | ", cluster.NodeProcesses.Select((_, i) => $"node {i + 1} RSS")) + " |");
        var runs = new[] { (App.App2, false), (App.App1, false) }.Concat(exactlyOnceModes.Contains(true) ? [(App.App2, true), (App.App1, true)] : []);
        foreach (var (app, exactlyOnce) in runs)
        {
            var clock = Stopwatch.StartNew();
            JobSummary summary;
            var sampler = new MemorySampler(cluster.NodeProcesses);
            try
            {
                var jobId = await JobRunner.SubmitAsync(cluster.Leader, app.JobLine(name, $"memory_out_{app.Name.Replace(' ', '_')}_{exactlyOnce}", tasks, exactlyOnce));
                summary = await JobRunner.WaitAsync(cluster.Client, cluster.Leader, jobId);
            }
            finally
            {
                await sampler.DisposeAsync();
            }
            Console.WriteLine($"| {app.Name}{(exactlyOnce ? ", exactly_once" : "")} | {bytes / 1e9:0.00} GB | {summary.TuplesIn:N0} | {summary.Status} in {clock.Elapsed.TotalSeconds:0} s | " +
                              $"{summary.TuplesIn / clock.Elapsed.TotalSeconds:N0} | " +
                              string.Join(" | ", sampler.Results.Select(r => $"{r.FirstBytes / 1e6:N0} MB -> {r.PeakBytes / 1e6:N0} MB")) + " |");
        }
    }
    try { Directory.Delete(memoryData, recursive: true); } catch (IOException) { }
    return 0;
}

// Warm-up (JIT, Akka.Streams start-up) on a small file so the timed baselines measure steady work.
var warmup = Path.Combine(work, $"warmup-{Environment.ProcessId}.csv");
TrafficSignGenerator.Write(warmup, 50_000, seed: 1);
var baselineApps = baselines ? new[] { App.App2, App.App1 }.Where(a => appNames.Contains(a.Name)).ToArray() : [];
foreach (var app in baselineApps)
{
    Baselines.SingleThread(app, warmup, Path.Combine(work, $"single-{Environment.ProcessId}.out"));
    if (streamsBaseline) await Baselines.AkkaStreams(app, warmup, Path.Combine(work, $"streams-{Environment.ProcessId}.out"));
}

foreach (var app in baselineApps)
{
    var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
    var single = Baselines.SingleThread(app, source, Path.Combine(work, $"single-{Environment.ProcessId}.out"));
    // The loop's CPU (this process does nothing else meanwhile): set beside the nodes' CPU per line, it is steadier
    // under load than the ratio of throughputs.
    var loopCpu = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
    Console.WriteLine($"    loop CPU {loopCpu:0.00} s = {loopCpu / (single.Lines / 1e6):0.00} s per million lines");
    Report(app.Name, "single-thread loop", single.Lines, single.Outputs, single.Elapsed);
    if (!streamsBaseline) continue;
    var streams = await Baselines.AkkaStreams(app, source, Path.Combine(work, $"streams-{Environment.ProcessId}.out"));
    Report(app.Name, "Akka.Streams, one process", streams.Lines, streams.Outputs, streams.Elapsed);
}

async Task RunJobs(string runner, Akka.Actor.ActorSystem system, Akka.Actor.IActorRef leader, RainStorm.Actors.HyDfs.HyDfsClient hyDfs,
    IReadOnlyList<Uri>? dashboardNodes = null, Func<TimeSpan>? nodeCpu = null)
{
    var name = Path.GetFileName(source);
    var upload = Stopwatch.StartNew();
    await JobRunner.EnsureSourceAsync(hyDfs, name, source);
    Console.WriteLine($"  {runner}: uploaded into HyDFS in {upload.Elapsed.TotalSeconds:0.0} s (not part of the job times)");
    var run = 0;
    // With --dashboard each job runs twice in a row on the same cluster: nobody watching, then a Prometheus scrape of
    // every node each second and an open job page for the whole job; the pairs give the dashboard's cost.
    bool[] watched = dashboardNodes is { Count: > 0 } ? [false, true] : [false];
    foreach (var (app, exactlyOnce) in Enumerable.Repeat(0, repeat).SelectMany(_ => new[] { App.App2, App.App1 }.Where(a => appNames.Contains(a.Name)).SelectMany(a => exactlyOnceModes.Select(e => (a, e)))))
    foreach (var watching in watched)
    {
        await using var load = watching ? new DashboardLoad(dashboardNodes!) : null;
        var cpuBefore = nodeCpu?.Invoke();
        var clock = Stopwatch.StartNew();
        var jobId = await JobRunner.SubmitAsync(leader, app.JobLine(name, $"bench_out_{++run}", tasks, exactlyOnce));
        var summary = await JobRunner.WaitAsync(system, leader, jobId);
        var elapsed = clock.Elapsed;
        // CPU the node processes used during the job: less sensitive than wall time to other load on the machine.
        if (summary.Status != "COMPLETED") Console.WriteLine($"  {app.Name}: {JobRunner.Describe(summary)}");
        if (cpuBefore is { } before)
        {
            var cpu = (nodeCpu!() - before).TotalSeconds;
            cpuPerMillion[results.Count] = cpu / (summary.TuplesIn / 1e6);
            Console.WriteLine($"    node CPU {cpu:0.00} s = {cpuPerMillion[results.Count]:0.00} s per million lines");
        }
        var label = (exactlyOnce ? runner + ", exactly_once" : runner) + (dashboardNodes is { Count: > 0 } ? watching ? ", dashboard open" : ", nobody watching" : "");
        Report(app.Name, label, summary.TuplesIn, summary.TuplesOut, elapsed);
        if (load is not null)
            Console.WriteLine($"    dashboard load: {load.Scrapes} /metrics scrapes ({load.MetricsBytes / Math.Max(1, load.Scrapes):N0} bytes each), {load.PageRefreshes} job page refreshes, {load.Failures} requests failed");
    }
}

// Node data of this run only (the generated source is shared and kept): concurrent runs must not clear each other.
var runDir = Path.Combine(work, $"run-{Environment.ProcessId}");
var data = Path.Combine(runDir, "cluster");
if (local)
    await using (var cluster = await LocalCluster.StartAsync(nodes, data, extraHocon: "rainstorm.log.console-level = ERROR\n" + hocon))
        await RunJobs($"RainStorm local --nodes {nodes}", cluster.First, cluster.Leader, cluster.HyDfs);
if (processes)
{
    var processData = Path.Combine(runDir, "processes");
    await using var cluster = await ProcessCluster.StartAsync(nodes, processData, http: dashboard);
    await RunJobs($"RainStorm {nodes} node processes", cluster.Client, cluster.Leader, cluster.HyDfs, cluster.HttpEndpoints,
        () => cluster.NodeProcesses.Aggregate(TimeSpan.Zero, (sum, p) => { p.Refresh(); return sum + p.TotalProcessorTime; }));
}

if (keepData) Console.WriteLine($"node data and logs kept in {runDir}");
else try
{
    Directory.Delete(runDir, recursive: true);
    foreach (var scratch in new[] { warmup, $"single-{Environment.ProcessId}.out", $"streams-{Environment.ProcessId}.out" })
        File.Delete(Path.Combine(work, scratch));
}
catch (IOException)
{
    // A node still closing a file: the run directory stays in the temp dir.
}

Console.WriteLine();
Console.WriteLine("| app | runner | tuples/s | × single-thread loop | × Akka.Streams |");
Console.WriteLine("|---|---|---:|---:|---:|");
foreach (var group in results.GroupBy(r => r.App))
{
    double Rate(string runner) => group.Where(r => r.Runner == runner).Select(r => r.Lines / r.Elapsed.TotalSeconds).DefaultIfEmpty(double.NaN).First();
    var single = Rate("single-thread loop");
    var streams = Rate("Akka.Streams, one process");
    foreach (var r in group)
    {
        var rate = r.Lines / r.Elapsed.TotalSeconds;
        Console.WriteLine($"| {r.App} | {r.Runner} | {rate:N0} | {rate / single:0.00} | {rate / streams:0.00} |");
    }
}
if (dashboard)
{
    // Paired: each watched job beside the unwatched one run just before it.
    Console.WriteLine();
    Console.WriteLine("| app | mode | nobody watching tuples/s | dashboard open tuples/s | open ÷ not | node CPU s per M lines, not / open |");
    Console.WriteLine("|---|---|---:|---:|---:|---:|");
    var indexed = results.Select((r, i) => (r, i)).ToList();
    var unwatched = indexed.Where(x => x.r.Runner.EndsWith(", nobody watching")).ToList();
    var open = indexed.Where(x => x.r.Runner.EndsWith(", dashboard open")).ToList();
    foreach (var (quiet, loud) in unwatched.Zip(open))
    {
        double rate(int i) => results[i].Lines / results[i].Elapsed.TotalSeconds;
        var mode = quiet.r.Runner.Contains("exactly_once") ? "exactly_once" : "at-least-once";
        Console.WriteLine($"| {quiet.r.App} | {mode} | {rate(quiet.i):N0} | {rate(loud.i):N0} | {rate(loud.i) / rate(quiet.i):0.00} | " +
                          $"{cpuPerMillion.GetValueOrDefault(quiet.i):0.00} / {cpuPerMillion.GetValueOrDefault(loud.i):0.00} |");
    }
}
return 0;
