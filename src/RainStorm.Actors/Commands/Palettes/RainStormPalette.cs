using RainStorm.Actors.Commands.Execution;
using RainStorm.Actors.Commands.Model;
using RainStorm.Actors.Commands.Output;
using RainStorm.Actors.Commands.Parsing;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Commands.Views;
using RainStorm.Actors.Runtime.Client;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Operators.Jobs;

namespace RainStorm.Actors.Commands.Palettes;

/// <summary>Job commands, answered by the leader singleton: submit, jobs, job, wait, list_tasks, kill_task, kill, and the
/// elastic controls rescale, rate and scaling.</summary>
public static class RainStormPalette
{
    public const string Module = "rainstorm";
    private const string Follow = "--follow";

    public static CommandPalette Create() => new(Module, "stream-processing jobs", [
        new(new CommandSpec("RainStorm", "submit a job: <Nstages> <Ntasks> <op1> <arg1> ... <src> <dest> <exactly_once> <autoscale> <rate> <low_wm> <high_wm>",
                [LeaderClient.TimeoutArg("keep trying to reach a leader this long (default 60)"), Arg.Rest("job", "the job line after the word RainStorm")],
                "RainStorm 2 3 Filter \"Punched Telespar\" AggregateByKey 8 Traffic_Signs.csv out.txt true false 100000 0 0",
                Aliases: ["submit"]),
            SubmitAsync),
        new(new CommandSpec("jobs", "list the jobs: id, status, stages, tasks, tuples in and out, elapsed time",
            [Arg.Output, LeaderClient.TimeoutArg(LeaderPatience)], "jobs -o json"), JobsAsync),
        new(new CommandSpec("job", "show one job: its line, stages with their width, state, totals, rates and task restarts",
            [Arg.Positional("job", "the job id"), Arg.Output, LeaderClient.TimeoutArg(LeaderPatience)], "job job-1 -o json"), JobAsync),
        new(new CommandSpec("wait", "wait until a job ends; --follow streams its output lines. Exit 0 only if it COMPLETED",
            [
                Arg.Positional("job", "the job id"),
                LeaderClient.TimeoutArg("give up after this many seconds (default: wait as long as the job runs, and at most 60 s for a missing leader)"),
                Arg.Flag(Follow, "print the job's output lines as they are produced"),
            ], "wait job-1 --timeout 60 --follow"), WaitAsync),
        new(new CommandSpec("list_tasks", "list the running tasks, of every job or of one",
            [Arg.OptionalPositional("job", "only this job's tasks"), Arg.Output, LeaderClient.TimeoutArg(LeaderPatience)], "list_tasks job-1"), ListTasksAsync),
        new(new CommandSpec("kill_task", "crash one task abruptly (its in-memory state is lost), as a real failure would",
            [Arg.Positional("node", "the task's node, host:port", ValueKind.Node), Arg.Positional("pid", "the PID shown by list_tasks", ValueKind.Count),
             LeaderClient.TimeoutArg(LeaderPatience)],
            "kill_task 127.0.0.1:4054 12345"), KillTaskAsync),
        new(new CommandSpec("kill", "stop a job cleanly", [Arg.Positional("job", "the job id"), LeaderClient.TimeoutArg(LeaderPatience)], "kill job-1"), KillAsync),
        new(new CommandSpec("rescale", "give one operator stage of a running job n tasks while it runs (stages as in list_tasks; not the source, 0)",
            [
                Arg.Positional("job", "the job id"),
                Arg.Positional("stage", "the stage number, 1..stages", ValueKind.Count),
                Arg.Positional("n", "the new number of tasks", ValueKind.Count),
                LeaderClient.TimeoutArg(LeaderPatience),
            ], "rescale job-1 2 5"), RescaleAsync),
        new(new CommandSpec("rate", "change a running job's input rate, tuples per second for the whole source (0 = unpaced)",
            [Arg.Positional("job", "the job id"), Arg.Positional("tuples_per_s", "the new rate", ValueKind.Number), LeaderClient.TimeoutArg(LeaderPatience)], "rate job-1 2000"), RateAsync),
        new(new CommandSpec("scaling", "a job's rescale decisions: the autoscaler's and the rescale command's, oldest first",
            [Arg.Positional("job", "the job id"), Arg.Output, LeaderClient.TimeoutArg(LeaderPatience)], "scaling job-1 -o json"), ScalingAsync),
    ]);

    private const string LeaderPatience = "keep trying to reach a leader this long (default 60)";

    private static async Task<int> SubmitAsync(CommandCall call)
    {
        var line = "RainStorm " + CommandLine.Join(call.Args.Rest);
        // One key for every attempt of this submit: a leader that already accepted it (before it died, or from a copy
        // the proxy delivered twice) answers with the same job instead of starting a second one.
        var submit = new JobCommands.SubmitJob(line, IdempotencyKey: Guid.NewGuid().ToString("N"));
        var submitted = await LeaderClient.AskAsync<JobCommands.JobSubmitted>(call, submit);
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

    private static async Task<int> RescaleAsync(CommandCall call)
    {
        var rescaled = await JobQueries.For(call).RescaleAsync(call.Args["job"], call.Args.Count("stage")!.Value, call.Args.Count("n")!.Value);
        await call.WriteLineAsync($"Job {rescaled.JobId}: stage {rescaled.Stage} rescaled {rescaled.From} -> {rescaled.To} tasks in {rescaled.Took.TotalMilliseconds:0} ms");
        return 0;
    }

    private static async Task<int> RateAsync(CommandCall call)
    {
        var set = await LeaderClient.AskAsync<JobCommands.JobRateSet>(call, new JobCommands.SetJobRate(call.Args["job"], call.Args.Number("tuples_per_s")!.Value));
        await call.WriteLineAsync(set.TuplesPerSecond == 0 ? $"Job {set.JobId}: input unpaced" : $"Job {set.JobId}: input rate {set.TuplesPerSecond} tuples/s");
        return 0;
    }

    private static async Task<int> ScalingAsync(CommandCall call)
    {
        var history = await JobQueries.For(call).ScalingAsync(call.Args["job"]);
        var table = JobViews.Scaling(history.Entries);
        if (call.Args.Json) await call.WriteLineAsync(table.ToJsonText());
        else if (history.Entries.Count == 0)
            await call.WriteLineAsync($"no rescales of {history.JobId} yet ({(history.Autoscale ? "autoscale on" : "autoscale off")})");
        else await call.WriteLinesAsync(table.ToLines());
        return 0;
    }

    private static async Task<int> WaitAsync(CommandCall call)
    {
        var jobId = call.Args["job"];
        var timeout = call.Args.Seconds(LeaderClient.TimeoutOption);
        var started = DateTime.UtcNow;
        // WaitJob has no reply while the job runs, so ask something quick first: that tells "no leader" apart.
        var jobs = await LeaderClient.AskAsync<JobCommands.JobList>(call, new JobCommands.ListJobs());
        var follow = call.Args.Has(Follow);
        var output = follow && DestinationOf(jobs, jobId) is { } destination ? new FollowedOutput(HyDfsClient.For(call.System), destination) : null;

        await using var inbox = new MessageInbox(call.System);
        // The waiter repeats its registration, so a leader that takes over (the old one's node died) answers too;
        // stopping it unregisters it.
        var waiter = call.System.ActorOf(JobWaiter.Props(LeaderClient.Proxy(call), new JobCommands.WaitJob(jobId, follow), inbox.Ref));
        DateTime? silentSince = null;
        try
        {
            while (true)
            {
                var now = DateTime.UtcNow;
                if (timeout is { } t && now - started >= t)
                    throw new CommandFailedException($"job {jobId} is still RUNNING after {t.TotalSeconds:0.#} s.");
                if (timeout is null && silentSince is { } since && now - since >= call.Settings.LeaderWait)
                    throw LeaderClient.NotAvailable(now - since);
                var message = await inbox.ReceiveAsync(FilePoll, call.Cancellation);
                switch (message)
                {
                    case null when output is { FromFile: true }:
                        await call.WriteLinesAsync(await output.ReadNewAsync(call.Cancellation));
                        break;
                    case JobWaiter.LeaderSilent silent:
                        silentSince = now - silent.Silence;
                        await call.WriteNoteAsync(LeaderClient.WaitingLine(silent.Silence, timeout ?? call.Settings.LeaderWait));
                        break;
                    case JobWaiter.LeaderMoved:
                        silentSince = null;
                        // Lines produced while no leader had this follower registered were never streamed: from now
                        // on the destination file is read instead.
                        output?.SwitchToFile();
                        break;
                    case JobCommands.JobOutput lines when follow && output is not { FromFile: true }:
                        output?.Printed(lines.Lines);
                        await call.WriteLinesAsync(lines.Lines);
                        break;
                    case JobCommands.JobEnded ended:
                        if (output is { FromFile: true }) await call.WriteLinesAsync(await output.ReadNewAsync(call.Cancellation));
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

    /// <summary>How often a follower reading the destination file after a leader move looks for new lines.</summary>
    private static readonly TimeSpan FilePoll = TimeSpan.FromMilliseconds(500);

    private static string? DestinationOf(JobCommands.JobList jobs, string jobId)
    {
        if (jobs.Jobs.FirstOrDefault(j => j.JobId == jobId) is not { } job) return null;
        try
        {
            return JobCommandParser.Parse(job.CommandLine).Destination;
        }
        catch (JobCommandException)
        {
            return null; // a line the leader accepted always parses; without it there is no file to catch up from
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
        var killed = await JobQueries.For(call).KillTaskAsync(call.Args["node"], call.Args.Count("pid")!.Value);
        await call.WriteLineAsync($"Task {killed.Task} killed");
        return 0;
    }

    private static async Task<int> KillAsync(CommandCall call)
    {
        var killed = await JobQueries.For(call).KillAsync(call.Args["job"]);
        await call.WriteLineAsync($"Job {killed.JobId} killed");
        return 0;
    }
}
