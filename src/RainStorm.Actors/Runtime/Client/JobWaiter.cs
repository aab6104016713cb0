using Akka.Actor;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Actors.Runtime.Client;

/// <summary>
/// Waits for one job on behalf of a client (the `wait` command, `local`, <c>JobRunner</c>): sends the request to the
/// leader (through the singleton proxy), passes <see cref="JobSubmitted"/>, <see cref="JobOutput"/>,
/// <see cref="JobEnded"/> and <see cref="CommandFailed"/> on to its listener, and stops after the last two.
/// </summary>
/// <remarks>
/// The leader keeps its waiters in memory only. So the waiter repeats <see cref="WaitJob"/> (idempotent on the leader)
/// every <c>rainstorm.runtime.wait-refresh-interval</c>: when the leader's node dies, the leader that takes over (with
/// the job table recovered) learns about it within that interval and answers it when the job ends. A follower's output
/// lines produced while no leader had it registered are not streamed again; they are in the destination file.
/// Stopping the waiter (or its listener) tells the leader to stop streaming to it.
/// </remarks>
public sealed class JobWaiter : ReceiveActor, IWithTimers
{
    private sealed class Refresh
    {
        public static readonly Refresh Instance = new();
    }

    private readonly IActorRef _leader;
    private readonly object _request;
    private readonly IActorRef _listener;
    private readonly bool _follow;
    private readonly TimeSpan _refreshEvery;
    private string? _jobId;
    private bool _ended;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="request">A <see cref="SubmitJob"/> (the listener then gets <see cref="JobSubmitted"/> first) or a
    /// <see cref="WaitJob"/>.</param>
    public static Props Props(IActorRef leader, object request, IActorRef listener) =>
        Akka.Actor.Props.Create(() => new JobWaiter(leader, request, listener));

    public JobWaiter(IActorRef leader, object request, IActorRef listener)
    {
        if (request is not (SubmitJob or WaitJob))
            throw new ArgumentException($"a job waiter sends a SubmitJob or a WaitJob, not a {request.GetType().Name}", nameof(request));
        _leader = leader;
        _request = request;
        _listener = listener;
        _follow = request is SubmitJob { Follow: true } or WaitJob { Follow: true };
        _refreshEvery = RuntimeSettings.Create(Context.System).WaitRefreshInterval;
        _jobId = (request as WaitJob)?.JobId;

        Receive<JobSubmitted>(submitted =>
        {
            _jobId ??= submitted.JobId;
            StartRefreshing();
            _listener.Tell(submitted);
        });
        Receive<JobOutput>(output => _listener.Tell(output));
        Receive<JobEnded>(ended => Finish(ended));
        Receive<CommandFailed>(failed => Finish(failed));
        Receive<Refresh>(_ =>
        {
            if (_jobId is not null) _leader.Tell(new WaitJob(_jobId, _follow));
        });
        Receive<Terminated>(_ => Context.Stop(Self), t => t.ActorRef.Equals(_listener));
    }

    protected override void PreStart()
    {
        Context.Watch(_listener);
        _leader.Tell(_request);
        if (_jobId is not null) StartRefreshing();
    }

    protected override void PostStop()
    {
        if (_jobId is not null && !_ended) _leader.Tell(new StopWaiting(_jobId, Self));
    }

    private void StartRefreshing() => Timers.StartPeriodicTimer("refresh", Refresh.Instance, _refreshEvery);

    private void Finish(object last)
    {
        _ended = true;
        _listener.Tell(last);
        Context.Stop(Self);
    }
}
