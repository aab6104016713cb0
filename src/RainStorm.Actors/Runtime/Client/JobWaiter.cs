using Akka.Actor;
using RainStorm.Actors.Runtime.Jobs;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;

namespace RainStorm.Actors.Runtime.Client;

/// <summary>
/// Waits for one job on behalf of a client (the `wait` command, `local`, <c>JobRunner</c>): sends the request to the
/// leader (through the singleton proxy), passes <see cref="JobSubmitted"/>, <see cref="JobOutput"/>,
/// <see cref="JobEnded"/> and <see cref="CommandFailed"/> on to its listener, and stops after the last two.
/// </summary>
/// <remarks>
/// The leader keeps its waiters in memory only. So the waiter repeats <see cref="WaitJob"/> (idempotent on the leader)
/// every <c>rainstorm.runtime.wait-refresh-interval</c>: when the leader's node dies, the leader that takes over (with
/// the job table recovered) learns about it within that interval and answers it when the job ends. With each repeat
/// it also asks the leader a cheap question (<see cref="ListWorkers"/>), so it can tell its listener when the leader
/// stopped answering (<see cref="LeaderSilent"/>) and when a different leader answers (<see cref="LeaderMoved"/>):
/// output lines produced while no leader had the follower registered were not streamed, and a follower fetches them
/// from the destination file. Stopping the waiter (or its listener) tells the leader to stop streaming to it.
/// </remarks>
public sealed class JobWaiter : ReceiveActor, IWithTimers
{
    /// <summary>No answer from the leader for <see cref="Silence"/>: it is probably moving to another node.</summary>
    public sealed record LeaderSilent(TimeSpan Silence);

    /// <summary>An answer came from a leader other than the one that answered before (the old one's node died).</summary>
    public sealed record LeaderMoved(Address From, Address To);

    private sealed class Refresh
    {
        public static readonly Refresh Instance = new();
    }

    private readonly IActorRef _leader;
    private readonly object _request;
    private readonly IActorRef _listener;
    private readonly bool _follow;
    private readonly TimeSpan _refreshEvery;
    private readonly TimeSpan _silentAfter;
    private string? _jobId;
    private bool _ended;
    private ActorPath? _answering;
    private DateTime _lastHeard = DateTime.UtcNow;
    private bool _silent;

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
        var settings = RuntimeSettings.Create(Context.System);
        _refreshEvery = settings.WaitRefreshInterval;
        _silentAfter = TimeSpan.FromTicks(_refreshEvery.Ticks * 3);
        _jobId = (request as WaitJob)?.JobId;

        Receive<JobSubmitted>(submitted =>
        {
            Heard();
            _jobId ??= submitted.JobId;
            StartRefreshing();
            _listener.Tell(submitted);
        });
        Receive<JobOutput>(output =>
        {
            Heard();
            _listener.Tell(output);
        });
        Receive<WorkerList>(_ => Heard());
        Receive<JobEnded>(ended =>
        {
            Heard();
            Finish(ended);
        });
        Receive<CommandFailed>(failed =>
        {
            Heard();
            Finish(failed);
        });
        Receive<Refresh>(_ =>
        {
            if (_jobId is null) return;
            _leader.Tell(new WaitJob(_jobId, _follow));
            _leader.Tell(new ListWorkers());
            if (!_silent && DateTime.UtcNow - _lastHeard >= _silentAfter)
            {
                _silent = true;
                _listener.Tell(new LeaderSilent(DateTime.UtcNow - _lastHeard));
            }
        });
        Receive<Terminated>(_ => Context.Stop(Self), t => t.ActorRef.Equals(_listener));
    }

    protected override void PreStart()
    {
        Context.Watch(_listener);
        _leader.Tell(_request);
        if (_jobId is null) return;
        _leader.Tell(new ListWorkers()); // the answer tells which leader serves this wait
        StartRefreshing();
    }

    protected override void PostStop()
    {
        if (_jobId is not null && !_ended) _leader.Tell(new StopWaiting(_jobId, Self));
    }

    private void StartRefreshing() => Timers.StartPeriodicTimer("refresh", Refresh.Instance, _refreshEvery);

    /// <summary>Every answer comes from the leader singleton or from its job's master (a child of the leader), so the
    /// leader's path (the master's parent) tells which leader it is.</summary>
    private void Heard()
    {
        _lastHeard = DateTime.UtcNow;
        _silent = false;
        if (Sender.IsNobody()) return;
        var leader = Sender.Path.Name.StartsWith(JobMaster.NameOf(""), StringComparison.Ordinal) ? Sender.Path.Parent : Sender.Path;
        if (leader.Equals(_answering)) return;
        var before = _answering;
        _answering = leader;
        if (before is not null) _listener.Tell(new LeaderMoved(before.Address, leader.Address));
    }

    private void Finish(object last)
    {
        _ended = true;
        _listener.Tell(last);
        Context.Stop(Self);
    }
}
