using Akka.Actor;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Node.Local;

/// <summary>Waits for one job on behalf of `local`: asks the leader to follow it, hands every output line to
/// <c>onLines</c> as it arrives, and completes with the job's summary when it ends.</summary>
public sealed class JobFollower : ReceiveActor
{
    private readonly IActorRef _leader;
    private readonly string _jobId;
    private readonly bool _follow;

    public static Props Props(IActorRef leader, string jobId, bool follow, Action<IReadOnlyList<string>> onLines, TaskCompletionSource<JobSummary> ended) =>
        Akka.Actor.Props.Create(() => new JobFollower(leader, jobId, follow, onLines, ended));

    public JobFollower(IActorRef leader, string jobId, bool follow, Action<IReadOnlyList<string>> onLines, TaskCompletionSource<JobSummary> ended)
    {
        _leader = leader;
        _jobId = jobId;
        _follow = follow;
        Receive<JobOutput>(output => onLines(output.Lines));
        Receive<JobEnded>(end =>
        {
            ended.TrySetResult(end.Job);
            Context.Stop(Self);
        });
        Receive<CommandFailed>(failed =>
        {
            ended.TrySetException(new InvalidOperationException(failed.Message));
            Context.Stop(Self);
        });
    }

    protected override void PreStart() => _leader.Tell(new WaitJob(_jobId, _follow));

    protected override void PostStop() => _leader.Tell(new StopWaiting(_jobId, Self));
}
