using Akka.Actor;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Node.Local;

/// <summary>Waits for one job on behalf of `local`: submits it (following it from its first output line) or waits
/// for a running one, hands every output line to <c>onLines</c> as it arrives, and completes with the job's summary
/// when it ends.</summary>
public sealed class JobFollower : ReceiveActor
{
    private readonly IActorRef _leader;
    private readonly object _request;
    private string? _jobId;

    /// <param name="request">A <see cref="SubmitJob"/> (then <paramref name="submitted"/> gets the job id) or a <see cref="WaitJob"/>.</param>
    public static Props Props(IActorRef leader, object request, Action<IReadOnlyList<string>> onLines,
        TaskCompletionSource<string>? submitted, TaskCompletionSource<JobSummary> ended) =>
        Akka.Actor.Props.Create(() => new JobFollower(leader, request, onLines, submitted, ended));

    public JobFollower(IActorRef leader, object request, Action<IReadOnlyList<string>> onLines,
        TaskCompletionSource<string>? submitted, TaskCompletionSource<JobSummary> ended)
    {
        _leader = leader;
        _request = request;
        _jobId = (request as WaitJob)?.JobId;
        Receive<JobSubmitted>(job =>
        {
            _jobId = job.JobId;
            submitted?.TrySetResult(job.JobId);
        });
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

    protected override void PreStart() => _leader.Tell(_request);

    protected override void PostStop()
    {
        if (_jobId is not null) _leader.Tell(new StopWaiting(_jobId, Self));
    }
}
