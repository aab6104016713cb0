using RainStorm.Actors.Commands.Execution;
using RainStorm.Actors.Commands.Model;
using RainStorm.Actors.Commands.Output;
using RainStorm.Actors.Commands.Parsing;
using RainStorm.Actors.Runtime.Client;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Operators.Jobs;

namespace RainStorm.Actors.Commands.Palettes;

/// <summary>Job commands, answered by the leader singleton: submit, jobs, wait, list_tasks, kill_task, kill, and the
/// elastic controls rescale, rate and scaling.</summary>
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
        new(new CommandSpec("rescale", "give one operator stage of a running job n tasks while it runs (stages as in list_tasks; not the source, 0)",
            [
                Arg.Positional("job", "the job id"),
                Arg.Positional("stage", "the stage number, 1..stages", ValueKind.Count),
                Arg.Positional("n", "the new number of tasks", ValueKind.Count),
            ], "rescale job-1 2 5"), RescaleAsync),
        new(new CommandSpec("rate", "change a running job's input rate, tuples per second for the whole source (0 = unpaced)",
            [Arg.Positional("job", "the job id"), Arg.Positional("tuples_per_s", "the new rate", ValueKind.Number)], "rate job-1 2000"), RateAsync),
        new(new CommandSpec("scaling", "a job's rescale decisions: the autoscaler's and the rescale command's, oldest first",
            [Arg.Positional("job", "the job id"), Arg.Output], "scaling job-1 -o json"), ScalingAsync),
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
        var list = await LeaderClient.AskAsync<JobCommands.JobList>(call, new JobCommands.ListJobs());
        var table = new Table(
            new Column("ID", "id"), new Column("STATUS", "status"), new Column("STAGES", "stages"), new Column("TASKS", "tasks"),
            new Column("WIDTHS", "widths"), new Column("IN", "in"), new Column("OUT", "out"), new Column("ELAPSED", "elapsed"));
        foreach (var j in list.Jobs)
            table.Add(j.JobId, j.Status, j.Stages, j.Tasks, Widths(j), j.TuplesIn, j.TuplesOut, j.Elapsed);
        if (call.Args.Json) await call.WriteLineAsync(table.ToJsonText());
        else await call.WriteLinesAsync(list.Jobs.Count == 0 ? ["no jobs"] : table.ToLines());
        return 0;
    }

    /// <summary>Each stage's current number of tasks, the source first: <c>3/5/2</c>.</summary>
    private static string Widths(JobCommands.JobSummary job) => job.Widths is { Count: > 0 } w ? string.Join('/', w) : "-";

    private static async Task<int> RescaleAsync(CommandCall call)
    {
        var rescaled = await LeaderClient.AskAsync<JobCommands.StageRescaled>(call,
            new JobCommands.RescaleStage(call.Args["job"], call.Args.Count("stage")!.Value, call.Args.Count("n")!.Value));
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
        var history = await LeaderClient.AskAsync<JobCommands.ScalingHistory>(call, new JobCommands.ListScaling(call.Args["job"]));
        var table = new Table(
            new Column("AT", "at"), new Column("STAGE", "stage"), new Column("OP", "op"), new Column("FROM", "from"), new Column("TO", "to"),
            new Column("BY", "by"), new Column("REASON", "reason"), new Column("RESULT", "result"));
        foreach (var e in history.Entries)
            table.Add(e.At.ToString("HH:mm:ss.fff"), e.Stage, e.Operator, e.From, e.To, e.By, e.Reason, e.Refusal ?? "applied");
        if (call.Args.Json) await call.WriteLineAsync(table.ToJsonText());
        else if (history.Entries.Count == 0)
            await call.WriteLineAsync($"no rescales of {history.JobId} yet ({(history.Autoscale ? "autoscale on" : "autoscale off")})");
        else await call.WriteLinesAsync(table.ToLines());
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
        var list = await LeaderClient.AskAsync<JobCommands.TaskList>(call, new JobCommands.ListTasks(call.Args.Optional("job")));
        var table = new Table(
            new Column("TASK", "task"), new Column("JOB", "job"), new Column("STAGE", "stage"), new Column("OP", "op"),
            new Column("NODE", "node"), new Column("PID", "pid"), new Column("STATE", "state"), new Column("IN/s", "in_per_s"),
            new Column("OUT/s", "out_per_s"), new Column("BACKPRESSURE", "backpressure"), new Column("LOG", "log"));
        var plans = await PlansAsync(call, list.Tasks.Select(t => t.JobId));
        foreach (var t in list.Tasks)
            table.Add(t.Task, t.JobId, t.Stage, OpWithArg(t, plans.GetValueOrDefault(t.JobId)), t.Node, t.Pid, t.State,
                t.InPerSecond, t.OutPerSecond, t.Backpressure, t.Log);
        if (call.Args.Json) await call.WriteLineAsync(table.ToJsonText());
        else await call.WriteLinesAsync(list.Tasks.Count == 0 ? ["no tasks"] : table.ToLines());
        return 0;
    }

    /// <summary>The plans of the listed jobs, from their job lines (the task rows carry only the operator's name).</summary>
    private static async Task<Dictionary<string, JobPlan>> PlansAsync(CommandCall call, IEnumerable<string> jobIds)
    {
        var wanted = jobIds.ToHashSet();
        if (wanted.Count == 0) return [];
        var jobs = await LeaderClient.AskAsync<JobCommands.JobList>(call, new JobCommands.ListJobs());
        var plans = new Dictionary<string, JobPlan>();
        foreach (var job in jobs.Jobs.Where(j => wanted.Contains(j.JobId)))
        {
            try
            {
                plans[job.JobId] = JobCommandParser.Parse(job.CommandLine);
            }
            catch (JobCommandException)
            {
                // A line the leader accepted always parses; should it not, the row shows the bare operator name.
            }
        }
        return plans;
    }

    /// <summary>OP as list_tasks shows it: the operator with its argument (<c>Filter "Punched Telespar"</c>), the
    /// source with its HyDFS file.</summary>
    private static string OpWithArg(JobCommands.TaskInfo task, JobPlan? plan)
    {
        if (plan is null) return task.Op;
        if (task.Stage == 0) return $"{task.Op} {CommandLine.Quote(plan.Source)}";
        return task.Stage <= plan.Stages.Count && plan.Stages[task.Stage - 1] is { } stage && stage.Op == task.Op
            ? $"{stage.Op} {CommandLine.Quote(stage.Arg)}"
            : task.Op;
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
