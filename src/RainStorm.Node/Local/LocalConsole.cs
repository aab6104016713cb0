using Akka.Actor;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Node.Local;

/// <summary>The interactive side of `rainstorm local`, in the spirit of the original leader's stdin: job lines start
/// jobs (their output printed as it comes), a few commands inspect and control them.</summary>
public sealed class LocalConsole(LocalCluster cluster, TextReader input, TextWriter output)
{
    private const string Help = """
        commands:
          RainStorm <Nstages> <Ntasks> <op> <arg> ... <src> <dest> <exactly_once> <autoscale> <rate> <low> <high>
                                         start a job (a local source file is uploaded first); its output is printed
          jobs                           list jobs
          list_tasks [job]               list the running tasks (or those of one job)
          wait <job>                     block until the job ends
          kill_task <host:port> <pid>    crash one task
          kill_job <job>                 stop a job
          upload <local file> [name]     load a file into HyDFS
          exit                           stop the cluster and leave
        """;

    public async Task<int> RunAsync()
    {
        await output.WriteLineAsync("type 'help' for commands");
        while (true)
        {
            await output.WriteAsync("rainstorm> ");
            await output.FlushAsync();
            var line = await input.ReadLineAsync();
            if (line is null) return 0;
            IReadOnlyList<string> words;
            try
            {
                words = ShellTokens.Split(line);
            }
            catch (FormatException e)
            {
                await output.WriteLineAsync(e.Message);
                continue;
            }
            if (words.Count == 0) continue;
            if (words[0] is "exit" or "quit") return 0;
            try
            {
                await ExecuteAsync(line, words);
            }
            catch (Exception e) when (e is JobRunner.JobRefusedException or AskTimeoutException or InvalidOperationException or IOException
                                          or RainStorm.Actors.HyDfs.HyDfsException)
            {
                await output.WriteLineAsync($"error: {e.Message}");
            }
        }
    }

    private async Task ExecuteAsync(string line, IReadOnlyList<string> words)
    {
        var timeout = TimeSpan.FromSeconds(30);
        switch (words[0])
        {
            case "help":
                await output.WriteLineAsync(Help);
                break;
            case "RainStorm" or "submit":
                var jobLine = words[0] == "submit" ? line.TrimStart()["submit".Length..].Trim() : line.Trim();
                await JobRunner.UploadSourceIfLocalAsync(cluster.HyDfs, jobLine, output);
                string? jobId = null;
                var followed = await JobRunner.SubmitAndFollowAsync(cluster.First, cluster.Leader, jobLine, lines =>
                {
                    lock (output) foreach (var text in lines) output.WriteLine($"[{jobId}] {text}");
                });
                jobId = followed.JobId;
                await output.WriteLineAsync($"{jobId} submitted");
                _ = followed.Ended.ContinueWith(t => { lock (output) output.WriteLine(t.IsCompletedSuccessfully ? JobRunner.Describe(t.Result) : $"{jobId}: {t.Exception?.InnerException?.Message}"); });
                break;
            case "jobs":
                var jobs = await Ask<JobList>(new ListJobs(), timeout);
                foreach (var job in jobs.Jobs) await output.WriteLineAsync($"{JobRunner.Describe(job)}  | {job.CommandLine}");
                if (jobs.Jobs.Count == 0) await output.WriteLineAsync("no jobs yet");
                break;
            case "list_tasks":
                var tasks = await Ask<TaskList>(new ListTasks(words.Count > 1 ? words[1] : null), timeout);
                await output.WriteLineAsync($"{"task",-14} {"op",-16} {"node",-21} {"pid",7} {"state",-10} {"in/s",10} {"out/s",10} backpressure");
                foreach (var t in tasks.Tasks)
                    await output.WriteLineAsync($"{t.Task,-14} {t.Op,-16} {t.Node,-21} {t.Pid,7} {t.State,-10} {t.InPerSecond,10:N0} {t.OutPerSecond,10:N0} {t.Backpressure}");
                break;
            case "wait" when words.Count == 2:
                await output.WriteLineAsync(JobRunner.Describe(await JobRunner.WaitAsync(cluster.First, cluster.Leader, words[1])));
                break;
            case "kill_task" when words.Count == 3 && int.TryParse(words[2], out var pid):
                await output.WriteLineAsync($"killed {(await Ask<TaskKilled>(new KillTask(words[1], pid), timeout)).Task}");
                break;
            case "kill_job" when words.Count == 2:
                await output.WriteLineAsync($"killed {(await Ask<JobKilled>(new KillJob(words[1]), timeout)).JobId}");
                break;
            case "upload" when words.Count is 2 or 3:
                var name = words.Count == 3 ? words[2] : Path.GetFileName(words[1]);
                await cluster.HyDfs.CreateFromFileAsync(name, words[1]);
                await output.WriteLineAsync($"uploaded {words[1]} as {name}");
                break;
            default:
                await output.WriteLineAsync($"unknown command or wrong arguments: '{line.Trim()}' (type 'help')");
                break;
        }
    }

    private async Task<T> Ask<T>(object request, TimeSpan timeout)
    {
        var reply = await cluster.Leader.Ask<object>(request, timeout);
        return reply switch
        {
            T answer => answer,
            CommandFailed failed => throw new InvalidOperationException(failed.Message),
            _ => throw new InvalidOperationException($"unexpected reply {reply.GetType().Name}"),
        };
    }
}
