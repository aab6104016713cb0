using RainStorm.Actors.Commands.Execution;
using RainStorm.Actors.Commands.Model;
using RainStorm.Actors.Commands.Output;
using RainStorm.Actors.Commands.Parsing;
using RainStorm.Actors.Commands.Views;
using RainStorm.Actors.Runtime.Client;
using RainStorm.Actors.Runtime.Protocol;

namespace RainStorm.Actors.Commands.Palettes;

/// <summary>Job commands, answered by the leader singleton: submit, jobs, job, wait, list_tasks, kill_task, kill.</summary>
public static class RainStormPalette
{
    public const string Module = "rainstorm";
    private const string Timeout = "--timeout";
    private const string Follow = "--follow";

    public static CommandPalette Create() => new(Module, "stream-processing jobs", [
        new(new CommandSpec("RainStorm", "submit a job: <Nstages> <Ntasks> <op1> <arg1> ... <src> <dest> <exactly_once> <autoscale> <rate> <low_wm> <high_wm>",
                [Arg.Rest("job", "the job line after the word RainStorm")],
                "RainStorm 2 3 Filter \"Punched Telespar\" AggregateByKey 8 Traffic_Signs.csv out.txt true false 100000 0 0",
                Aliases: ["submit"]),
            SubmitAsync),
        new(new CommandSpec("jobs", "list the jobs: id, status, stages, tasks, tuples in and out, elapsed time",
            [Arg.Output], "jobs -o json"), JobsAsync),
        new(new CommandSpec("job", "show one job: its line, stages with their width, state, totals, rates and task restarts",
            [Arg.Positional("job", "the job id"), Arg.Output], "job j1 -o json"), JobAsync),
        new(new CommandSpec("wait", "wait until a job ends; --follow streams its output lines. Exit 0 only if it COMPLETED",
            [
                Arg.Positional("job", "the job id"),
                Arg.Option(Timeout, "s", "give up after this many seconds", ValueKind.Seconds),
                Arg.Flag(Follow, "print the job's output lines as they are produced"),
            ], "wait j1 --timeout 60 --follow"), WaitAsync),
        new(new CommandSpec("list_tasks", "list the running tasks, of every job or of one",
            [Arg.OptionalPositional("job", "only this job's tasks"), Arg.Output], "list_tasks j1"), ListTasksAsync),
        new(new CommandSpec("kill_task", "crash one task abruptly (its in-memory state is lost), as a real failure would",
            [Arg.Positional("node", "the task's node, host:port", ValueKind.Node), Arg.Positional("pid", "the PID shown by list_tasks", ValueKind.Count)],
            "kill_task 127.0.0.1:4054 12345"), KillTaskAsync),
        new(new CommandSpec("kill", "stop a job cleanly", [Arg.Positional("job", "the job id")], "kill j1"), KillAsync),
    ]);

    private static async Task<int> SubmitAsync(CommandCall call)
    {
        var line = "RainStorm " + CommandLine.Join(call.Args.Rest);
        var submitted = await LeaderClient.AskAsync<JobCommands.JobSubmitted>(call, new JobCommands.SubmitJob(line));
        await call.WriteLineAsync($"Job {submitted.JobId} submitted");
        return 0;
    }

    private static async Task<int> JobsAsync(CommandCall call)
    {
        var list = await JobQueries.For(call).JobsAsync();
        var table = JobViews.Jobs(list);
        if (call.Args.Json) await call.WriteLineAsync(table.ToJsonText());
        else await call.WriteLinesAsync(list.Jobs.Count == 0 ? ["no jobs"] : table.ToLines());
        return 0;
    }

    private static async Task<int> JobAsync(CommandCall call)
    {
        var jobId = call.Args["job"];
        var queries = JobQueries.For(call);
        var detail = await queries.DetailAsync(jobId);
        if (detail is null)
        {
            // The leader's own answer names the jobs there are.
            await queries.TasksAsync(jobId);
            throw new CommandFailedException($"no job '{jobId}'");
        }
        if (call.Args.Json) await call.WriteLineAsync(detail.ToJson().ToJsonString());
        else await call.WriteLinesAsync(detail.ToLines());
        return 0;
    }

    private static async Task<int> WaitAsync(CommandCall call)
    {
        var jobId = call.Args["job"];
        // WaitJob has no reply while the job runs, so ask something quick first: that tells "no leader" apart.
        await LeaderClient.AskAsync<JobCommands.JobList>(call, new JobCommands.ListJobs());

        var follow = call.Args.Has(Follow);
        var deadline = call.Args.Seconds(Timeout) is { } t ? DateTime.UtcNow + t : (DateTime?)null;
        await using var inbox = new MessageInbox(call.System);
        // The waiter repeats its registration, so a leader that takes over (the old one's node died) answers too;
        // stopping it unregisters it.
        var waiter = call.System.ActorOf(JobWaiter.Props(LeaderClient.Proxy(call), new JobCommands.WaitJob(jobId, follow), inbox.Ref));
        try
        {
            while (true)
            {
                var left = deadline - DateTime.UtcNow;
                var message = left is { Ticks: <= 0 } ? null : await inbox.ReceiveAsync(left, call.Cancellation);
                switch (message)
                {
                    case null:
                        throw new CommandFailedException($"job {jobId} is still RUNNING after {call.Args.Seconds(Timeout)!.Value.TotalSeconds:0.#} s.");
                    case JobCommands.JobOutput output when follow:
                        await call.WriteLinesAsync(output.Lines);
                        break;
                    case JobCommands.JobEnded ended:
                        return await EndedAsync(call, ended.Job);
                    case JobCommands.CommandFailed failed:
                        throw new CommandFailedException(failed.Message);
                }
            }
        }
        finally
        {
            call.System.Stop(waiter);
        }
    }

    private static async Task<int> EndedAsync(CommandCall call, JobCommands.JobSummary job)
    {
        await call.WriteLineAsync($"Job {job.JobId} {job.Status}: {job.TuplesIn} tuples in, {job.TuplesOut} out, {Table.Text(job.Elapsed)}");
        if (job.Status == "COMPLETED") return 0;
        throw new CommandFailedException($"job {job.JobId} ended {job.Status}{(job.FailureReason is { } r ? ": " + r : "")}.");
    }

    private static async Task<int> ListTasksAsync(CommandCall call)
    {
        var table = await JobQueries.For(call).TaskTableAsync(call.Args.Optional("job"));
        if (call.Args.Json) await call.WriteLineAsync(table.ToJsonText());
        else await call.WriteLinesAsync(table.Count == 0 ? ["no tasks"] : table.ToLines());
        return 0;
    }

    private static async Task<int> KillTaskAsync(CommandCall call)
    {
        var killed = await LeaderClient.AskAsync<JobCommands.TaskKilled>(call,
            new JobCommands.KillTask(call.Args["node"], call.Args.Count("pid")!.Value));
        await call.WriteLineAsync($"Task {killed.Task} killed");
        return 0;
    }

    private static async Task<int> KillAsync(CommandCall call)
    {
        var killed = await LeaderClient.AskAsync<JobCommands.JobKilled>(call, new JobCommands.KillJob(call.Args["job"]));
        await call.WriteLineAsync($"Job {killed.JobId} killed");
        return 0;
    }
}
