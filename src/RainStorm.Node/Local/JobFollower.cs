using Akka.Actor;
using RainStorm.Actors.Runtime.Client;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Node.Local;

/// <summary>Waits for one job on behalf of `local` and <see cref="JobRunner"/>: submits it (following it from its first
/// output line) or waits for a running one through a <see cref="JobWaiter"/> child (which keeps the registration alive
/// across a leader move), hands every output line to <c>onLines</c> as it arrives, and completes with the job's summary
/// when it ends.</summary>
public sealed class JobFollower : ReceiveActor
{
    private readonly IActorRef _leader;
    private readonly object _request;

    /// <param name="request">A <see cref="SubmitJob"/> (then <paramref name="submitted"/> gets the job id) or a <see cref="WaitJob"/>.</param>
    public static Props Props(IActorRef leader, object request, Action<IReadOnlyList<string>> onLines,
        TaskCompletionSource<string>? submitted, TaskCompletionSource<JobSummary> ended) =>
        Akka.Actor.Props.Create(() => new JobFollower(leader, request, onLines, submitted, ended));

    public JobFollower(IActorRef leader, object request, Action<IReadOnlyList<string>> onLines,
        TaskCompletionSource<string>? submitted, TaskCompletionSource<JobSummary> ended)
    {
        _leader = leader;
        _request = request;
        Receive<JobSubmitted>(job => submitted?.TrySetResult(job.JobId));
        Receive<JobOutput>(output => onLines(output.Lines));
        Receive<JobEnded>(end =>
        {
            ended.TrySetResult(end.Job);
            Context.Stop(Self);
        });
        Receive<CommandFailed>(failed =>
        {
            submitted?.TrySetException(new JobRunner.JobRefusedException(failed.Message));
            ended.TrySetException(new InvalidOperationException(failed.Message));
            Context.Stop(Self);
        });
    }

    protected override void PreStart() => Context.ActorOf(JobWaiter.Props(_leader, _request, Self), "waiter");
}
