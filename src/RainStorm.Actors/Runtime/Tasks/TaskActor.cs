using Akka.Actor;
using RainStorm.Actors.Runtime.Recovery;
using RainStorm.Actors.Runtime.Transport;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// What every task shares, source or operator, whatever its delivery mode: its flush and report ticks, and with
/// exactly_once its journal (a watched child), the replay of that journal while every other message waits, and failing
/// when the journal stops. A task starts in <see cref="Recovering"/> when it has a journal and in its active behaviour
/// otherwise.
/// </summary>
public abstract class TaskActor(TaskId id, TransportSettings transport, RecoverySettings? exactlyOnce) : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    public ITimerScheduler Timers { get; set; } = null!;
    public IStash Stash { get; set; } = null!;

    /// <summary>exactly_once: what the task journals and how; null for an at-least-once task.</summary>
    protected TaskDurability? Durability { get; private set; }

    /// <summary>The task's behaviour once it may take input.</summary>
    protected abstract void Active();

    /// <summary>exactly_once: restores what the journal replayed; false when the task failed doing so.</summary>
    protected abstract bool Restore(TaskJournal.Recovered recovered);

    /// <summary>exactly_once: the journal stopped (an append to HyDFS failed); the task fails.</summary>
    protected abstract void JournalStopped();

    /// <summary>An at-least-once task ticks at once; an exactly_once one opens its journal, which replays itself.</summary>
    protected override void PreStart()
    {
        if (exactlyOnce is null) StartTimers();
        else Durability = new TaskDurability(Context.Watch(Context.ActorOf(TaskJournal.Props(id), TaskJournal.Name)), exactlyOnce);
    }

    /// <summary>The behaviour to start in: replaying the journal first with exactly_once.</summary>
    protected void BecomeInitial()
    {
        if (exactlyOnce is null) Become(Active);
        else Become(Recovering);
    }

    protected void Recovering()
    {
        Receive<TaskJournal.Recovered>(recovered =>
        {
            if (!Restore(recovered)) return;
            StartTimers();
            Stash.UnstashAll();
            Become(Active);
        });
        ReceiveJournalDeath();
        ReceiveAny(_ => Stash.Stash());
    }

    protected void ReceiveJournalDeath() => Receive<Terminated>(terminated =>
    {
        if (Durability is not null && terminated.ActorRef.Equals(Durability.Journal)) JournalStopped();
    });

    private void StartTimers()
    {
        Timers.StartPeriodicTimer("flush", TaskTicks.Flush.Instance, transport.FlushInterval);
        Timers.StartPeriodicTimer("report", TaskTicks.Report.Instance, TimeSpan.FromSeconds(1));
    }
}
