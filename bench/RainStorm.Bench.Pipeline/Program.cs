using System.Diagnostics;
using RainStorm.Bench.Pipeline;
using RainStorm.Node.Local;

// One command: dotnet run -c Release --project bench/RainStorm.Bench.Pipeline [-- --lines N --nodes N --tasks N]
var lines = 5_000_000L;
var nodes = 3;
var tasks = 3;
var baselines = true;
var processes = true;
var hocon = "";
for (var i = 0; i < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--no-baselines": baselines = false; i--; break;
        case "--no-processes": processes = false; i--; break;
        case "--hocon": hocon = args[i + 1]; break;
        case "--lines": lines = long.Parse(args[i + 1]); break;
        case "--nodes": nodes = int.Parse(args[i + 1]); break;
        case "--tasks": tasks = int.Parse(args[i + 1]); break;
        default: Console.Error.WriteLine($"unknown option {args[i]} (expected --lines, --nodes, --tasks, --no-baselines, --no-processes, --hocon TEXT)"); return 2;
    }
}

var work = Path.Combine(Path.GetTempPath(), "rainstorm-bench");
Directory.CreateDirectory(work);
var source = Path.Combine(work, $"signs_{lines}.csv");
if (!File.Exists(source))
{
    Console.WriteLine($"generating {lines:N0} traffic-sign lines (seed 425) into {source} ...");
    TrafficSignGenerator.Write(source + ".tmp", lines);
    File.Move(source + ".tmp", source);
}
var bytes = new FileInfo(source).Length;
Console.WriteLine($"source: {source}, {lines + 1:N0} lines, {bytes / 1e6:N0} MB; {Environment.ProcessorCount} cores");

var results = new List<(string App, string Runner, long Lines, long Outputs, TimeSpan Elapsed)>();
void Report(string app, string runner, long n, long outputs, TimeSpan elapsed)
{
    results.Add((app, runner, n, outputs, elapsed));
    Console.WriteLine($"  {app} {runner,-28} {n,11:N0} lines {outputs,11:N0} outputs {elapsed.TotalSeconds,7:0.00} s {n / elapsed.TotalSeconds,13:N0} tuples/s");
}

// Warm-up (JIT, Akka.Streams start-up) on a small file so the timed baselines measure steady work.
var warmup = Path.Combine(work, "warmup.csv");
if (!File.Exists(warmup)) TrafficSignGenerator.Write(warmup, 50_000, seed: 1);
foreach (var app in baselines ? new[] { App.App2, App.App1 } : [])
{
    Baselines.SingleThread(app, warmup, Path.Combine(work, "single.out"));
    await Baselines.AkkaStreams(app, warmup, Path.Combine(work, "streams.out"));
}

foreach (var app in baselines ? new[] { App.App2, App.App1 } : [])
{
    var single = Baselines.SingleThread(app, source, Path.Combine(work, "single.out"));
    Report(app.Name, "single-thread loop", single.Lines, single.Outputs, single.Elapsed);
    var streams = await Baselines.AkkaStreams(app, source, Path.Combine(work, "streams.out"));
    Report(app.Name, "Akka.Streams, one process", streams.Lines, streams.Outputs, streams.Elapsed);
}

async Task RunJobs(string runner, Akka.Actor.ActorSystem system, Akka.Actor.IActorRef leader, RainStorm.Actors.HyDfs.HyDfsClient hyDfs)
{
    var name = Path.GetFileName(source);
    var upload = Stopwatch.StartNew();
    await JobRunner.EnsureSourceAsync(hyDfs, name, source);
    Console.WriteLine($"  {runner}: uploaded into HyDFS in {upload.Elapsed.TotalSeconds:0.0} s (not part of the job times)");
    var run = 0;
    foreach (var app in new[] { App.App2, App.App1 })
    {
        var clock = Stopwatch.StartNew();
        var jobId = await JobRunner.SubmitAsync(leader, app.JobLine(name, $"bench_out_{++run}", tasks));
        var summary = await JobRunner.WaitAsync(system, leader, jobId);
        if (summary.Status != "COMPLETED") Console.WriteLine($"  {app.Name}: {JobRunner.Describe(summary)}");
        Report(app.Name, runner, summary.TuplesIn, summary.TuplesOut, clock.Elapsed);
    }
}

var data = Path.Combine(work, "cluster");
if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
await using (var cluster = await LocalCluster.StartAsync(nodes, data, extraHocon: "rainstorm.log.console-level = ERROR\n" + hocon))
    await RunJobs($"RainStorm local --nodes {nodes}", cluster.First, cluster.Leader, cluster.HyDfs);
if (processes)
{
    var processData = Path.Combine(work, "processes");
    if (Directory.Exists(processData)) Directory.Delete(processData, recursive: true);
    await using var cluster = await ProcessCluster.StartAsync(nodes, processData);
    await RunJobs($"RainStorm {nodes} node processes", cluster.Client, cluster.Leader, cluster.HyDfs);
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
return 0;
