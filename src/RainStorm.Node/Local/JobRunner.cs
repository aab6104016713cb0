using System.Text;
using Akka.Actor;
using RainStorm.Actors.HyDfs;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Node.Local;

/// <summary>Runs one job line on a cluster the way `local` does: uploads the source if HyDFS lacks it, submits,
/// optionally streams the output lines, and returns the summary.</summary>
public static class JobRunner
{
    /// <summary>Thrown when the job is refused; the message is the parser's or the leader's.</summary>
    public sealed class JobRefusedException(string message) : Exception(message);

    /// <summary>Uploads <paramref name="localPath"/> as <paramref name="name"/> unless HyDFS has that name already.
    /// Returns true when it uploaded.</summary>
    public static async Task<bool> EnsureSourceAsync(HyDfsClient hyDfs, string name, string localPath, CancellationToken ct = default)
    {
        if (await hyDfs.ExistsAsync(name, ct)) return false;
        await hyDfs.CreateFromFileAsync(name, localPath, ct);
        return true;
    }

    /// <param name="idempotencyKey">Submitting again with the same key answers with the job the first submit created.</param>
    public static async Task<string> SubmitAsync(IActorRef leader, string jobLine, TimeSpan? timeout = null, string? idempotencyKey = null)
    {
        var reply = await leader.Ask<object>(new SubmitJob(jobLine, IdempotencyKey: idempotencyKey), timeout ?? TimeSpan.FromSeconds(60));
        return reply switch
        {
            JobSubmitted submitted => submitted.JobId,
            CommandFailed failed => throw new JobRefusedException(failed.Message),
            _ => throw new InvalidOperationException($"unexpected reply {reply.GetType().Name} to a job submission"),
        };
    }

    /// <summary>Waits for the job to end; with <paramref name="onLines"/> its output lines stream to it meanwhile.</summary>
    public static async Task<JobSummary> WaitAsync(ActorSystem system, IActorRef leader, string jobId,
        Action<IReadOnlyList<string>>? onLines = null, CancellationToken ct = default)
    {
        var ended = new TaskCompletionSource<JobSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        var follower = system.ActorOf(JobFollower.Props(leader, new WaitJob(jobId, onLines is not null), onLines ?? (_ => { }), null, ended));
        await using var _ = ct.Register(() => follower.Tell(PoisonPill.Instance));
        return await ended.Task.WaitAsync(ct);
    }

    /// <summary>A submitted job, followed from its first output line: its id and its end.</summary>
    public sealed record FollowedJob(string JobId, Task<JobSummary> Ended);

    /// <summary>Submits the job and streams every output line to <paramref name="onLines"/> until it ends.
    /// Throws <see cref="JobRefusedException"/> when it is refused.</summary>
    public static async Task<FollowedJob> SubmitAndFollowAsync(ActorSystem system, IActorRef leader, string jobLine,
        Action<IReadOnlyList<string>> onLines, TimeSpan? timeout = null)
    {
        var submitted = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = new TaskCompletionSource<JobSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        var follower = system.ActorOf(JobFollower.Props(leader, new SubmitJob(jobLine, Follow: true), onLines, submitted, ended));
        try
        {
            return new FollowedJob(await submitted.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60)), ended.Task);
        }
        catch (TimeoutException)
        {
            follower.Tell(PoisonPill.Instance);
            throw new TimeoutException("the leader did not answer the job submission within 60 s");
        }
    }

    /// <summary>Makes sure the job's source is in HyDFS, uploading a local file named like it from the current directory
    /// when HyDFS lacks it. Throws <see cref="JobRefusedException"/> in the terms of <c>local</c> when neither has it
    /// (<paramref name="uploadHint"/> says how to load one in this mode). A line the parser refuses is left to the leader.</summary>
    public static async Task EnsureSourceForLocalAsync(HyDfsClient hyDfs, string jobLine, TextWriter log, string uploadHint)
    {
        JobPlan plan;
        try
        {
            plan = JobCommandParser.Parse(jobLine);
        }
        catch (JobCommandException)
        {
            return; // the leader refuses it with the parser's message
        }
        if (await hyDfs.ExistsAsync(plan.Source)) return;
        var local = Path.GetFullPath(plan.Source);
        if (!File.Exists(local))
            throw new JobRefusedException($"source file '{plan.Source}' is neither in HyDFS nor at {local}; {uploadHint.Replace("{source}", plan.Source)}");
        if (await EnsureSourceAsync(hyDfs, plan.Source, local))
            await log.WriteLineAsync($"uploaded {plan.Source} ({new FileInfo(local).Length:N0} bytes) into HyDFS");
    }

    /// <summary>Joins tokens into a job line, quoting those that the shell had unquoted.</summary>
    public static string JoinTokens(IEnumerable<string> tokens)
    {
        var line = new StringBuilder();
        foreach (var token in tokens)
        {
            if (line.Length > 0) line.Append(' ');
            line.Append(token.Length == 0 || token.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '\\')
                ? $"\"{token.Replace("\\", "\\\\").Replace("\"", "\\\"")}\""
                : token);
        }
        return line.ToString();
    }

    public static string Describe(JobSummary job)
    {
        var seconds = Math.Max(job.Elapsed.TotalSeconds, 1e-3);
        var text = $"{job.JobId} {job.Status} in {seconds:0.00} s: {job.TuplesIn:N0} source tuples ({job.TuplesIn / seconds:N0}/s), {job.TuplesOut:N0} output lines";
        return job.FailureReason is null ? text : $"{text}; {job.FailureReason}";
    }
}
