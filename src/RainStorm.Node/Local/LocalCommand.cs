using RainStorm.Node.Http;
using RainStorm.Actors.Runtime;
using RainStorm.Operators.Jobs;

namespace RainStorm.Node.Local;

/// <summary>
/// `rainstorm local`: an embedded cluster of N nodes in this process. With a job line it runs that job (uploading a
/// local source file first), prints its output live and exits when it ends (0 = COMPLETED); with --demo it runs the
/// demo jobs on generated data; otherwise it reads commands from stdin.
/// </summary>
public static class LocalCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return await RunLocalAsync(args);
        }
        catch (Exception e) when (e is JobRunner.JobRefusedException or Akka.Actor.AskTimeoutException or TimeoutException
                                      or RainStorm.Actors.HyDfs.HyDfsException or IOException)
        {
            Console.Error.WriteLine($"rainstorm local: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> RunLocalAsync(string[] args)
    {
        var arguments = LocalArguments.Parse(args);
        if (arguments.JobLine is { } jobLine && RefusedBeforeStart(jobLine) is { } refusal)
        {
            // A line the parser refuses would be refused by the leader too: say so before starting nodes or clearing data.
            Console.Error.WriteLine($"rainstorm: job refused: {refusal}");
            return 1;
        }
        var dataRoot = Path.GetFullPath(arguments.DataRoot);
        ClearPreviousRun(dataRoot);
        Console.Error.WriteLine($"rainstorm local: starting {arguments.Nodes} nodes (data and logs under {dataRoot})...");
        await using var cluster = await LocalCluster.StartAsync(arguments.Nodes, dataRoot, arguments.CmdPort, arguments.OperatorDir,
            "rainstorm.log.console-level = WARNING", httpPort: arguments.HttpPort);
        var cmd = cluster.Options[0].CmdPort;
        Console.Error.WriteLine($"rainstorm local: {arguments.Nodes} nodes up ({string.Join(", ", cluster.Options.Select(o => o.SelfAddress))})"
            + (cmd > 0 ? $"; commands on 127.0.0.1:{cmd}" : "") + $"; node 1 logs to {RuntimeHostingExtensions.LogFile(cluster.Options[0])}");
        if (HttpEndpoint.Get(cluster.First).Url is { } dashboard) Console.Error.WriteLine($"rainstorm local: dashboard at {dashboard}");
        var exitCode = arguments.Demo ? await LocalDemo.RunAsync(cluster, dataRoot, arguments.DemoLines)
            : arguments.JobLine is { } line ? await RunJobAsync(cluster, line)
            : await new LocalConsole(cluster, Console.In, Console.Out).RunAsync();
        // stdout carries only output lines: Akka prints its own shutdown chatter there as the nodes stop.
        await Console.Out.FlushAsync();
        Console.SetOut(TextWriter.Null);
        return exitCode;
    }

    private static async Task<int> RunJobAsync(LocalCluster cluster, string line)
    {
        JobRunner.FollowedJob job;
        try
        {
            await JobRunner.EnsureSourceForLocalAsync(cluster.HyDfs, line, Console.Error,
                "put the file there (local uploads it as {source}) or run local from the directory that holds it.");
            job = await JobRunner.SubmitAndFollowAsync(cluster.First, cluster.Leader, line, lines =>
            {
                foreach (var output in lines) Console.Out.WriteLine(output);
            });
        }
        catch (JobRunner.JobRefusedException e)
        {
            Console.Error.WriteLine($"rainstorm: job refused: {e.Message}");
            return 1;
        }
        Console.Error.WriteLine($"rainstorm local: {job.JobId} running");
        var summary = await job.Ended;
        Console.Out.Flush();
        Console.Error.WriteLine($"rainstorm local: {JobRunner.Describe(summary)}");
        return summary.Status == "COMPLETED" ? 0 : 1;
    }

    private static string? RefusedBeforeStart(string jobLine)
    {
        try
        {
            JobCommandParser.Parse(jobLine);
            return null;
        }
        catch (JobCommandException e)
        {
            return e.Message;
        }
    }

    /// <summary>Node data of the previous run would carry stale HyDFS files under new ring positions: start clean. A node
    /// directory that a running process holds is never deleted: the run is refused instead.</summary>
    private static void ClearPreviousRun(string dataRoot)
    {
        if (File.Exists(dataRoot)) throw new UsageException($"--data '{dataRoot}' is a file; expected a directory (it is created if missing).");
        if (!Directory.Exists(dataRoot)) return;
        var nodes = Directory.GetDirectories(dataRoot, "node-*");
        foreach (var node in nodes)
        {
            using var held = DataDirectoryLock.TryAcquire(node, out var holder);
            if (held is null)
                throw new UsageException($"{dataRoot} is in use by a running cluster ({Path.GetFileName(node)} is held{(holder is null ? "" : $" by {holder}")}); stop it or give this run its own --data.");
        }
        foreach (var node in nodes) Directory.Delete(node, recursive: true);
    }
}
