using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace RainStorm.Integration.Tests.Elastic;

/// <summary>
/// A test-only look into the messages of chosen actors of an embedded node, with the real cluster running: a mailbox
/// (<see cref="TapMailbox"/>) the test's HOCON gives, by deployment path, to the leader's children (job masters, the
/// job table's journal) and the workers' tasks. Every message those actors are sent passes through the node's tap,
/// which lets it by, holds it back (to be sent on later), records it, or kills the node at that very message: the
/// message is dropped, every tapped actor of the node is frozen (what is queued for them or sent to them later is
/// dropped, so a job master stops exactly there), and the node's actor system is terminated without leaving the
/// cluster (coordinated shutdown off), which the other nodes see as a crash. Nothing of this is in the product.
/// </summary>
public sealed class MessageTap
{
    /// <summary>What the tap does with a message sent to a tapped actor.</summary>
    public enum Verdict
    {
        Pass,
        /// <summary>Kept aside until <see cref="ReleaseHeld"/> sends it on (then it passes).</summary>
        Hold,
        /// <summary>Dropped, and the node is killed at once.</summary>
        Kill,
    }

    /// <summary>The HOCON that taps the leader's children and the workers' tasks on every node it is given to.</summary>
    public const string Hocon = """
        rainstorm-test-tap.mailbox-type = "RainStorm.Integration.Tests.Elastic.TapMailbox, RainStorm.Integration.Tests"
        akka.actor.deployment {
          "/leader/leader/*".mailbox = rainstorm-test-tap
          "/worker/*".mailbox = rainstorm-test-tap
        }
        # The tap kills a node by terminating its actor system: without coordinated shutdown it does not leave the
        # cluster first (a crash to the others, as kill -9 is).
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        """;

    private static readonly ConcurrentDictionary<ActorSystem, MessageTap> Taps = new();

    private readonly ActorSystem _system;
    private readonly object _lock = new();
    private readonly List<(IActorRef To, object Message, IActorRef Sender)> _held = [];
    private readonly HashSet<object> _released = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentQueue<(DateTime At, ActorPath To, object Message)> _recorded = new();
    private readonly TaskCompletionSource<string> _killed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Func<ActorPath, object, Verdict> _onSend = (_, _) => Verdict.Pass;
    private Func<ActorPath, object, bool> _killAfterTaking = (_, _) => false;
    private Func<ActorPath, object, bool> _record = (_, _) => false;
    private volatile bool _frozen;
    private long _leaderChildMessages;

    private MessageTap(ActorSystem system) => _system = system;

    /// <summary>The tap of the node whose actor system is <paramref name="system"/>.</summary>
    public static MessageTap On(ActorSystem system) => Taps.GetOrAdd(system, s => new MessageTap(s));

    internal static MessageTap? Of(ActorSystem system) => Taps.TryGetValue(system, out var tap) ? tap : null;

    public static void Forget(ActorSystem system) => Taps.TryRemove(system, out _);

    /// <summary>Decides, as each message is sent to a tapped actor (to its path), what happens to it.</summary>
    public Func<ActorPath, object, Verdict> OnSend { set => _onSend = value; }

    /// <summary>True for a message whose actor takes it from its mailbox (and then handles it) right before the node is
    /// killed: nothing after it reaches a tapped actor of the node.</summary>
    public Func<ActorPath, object, bool> KillAfterTaking { set => _killAfterTaking = value; }

    /// <summary>Which messages sent to tapped actors are recorded (<see cref="Recorded"/>), passing as decided.</summary>
    public Func<ActorPath, object, bool> Record { set => _record = value; }

    public IReadOnlyList<(DateTime At, ActorPath To, object Message)> Recorded => _recorded.ToList();

    /// <summary>Messages sent to the leader's children (job masters, the job table) on this node so far: more than 0 once
    /// the tap is in place where the leader runs.</summary>
    public long LeaderChildMessages => Interlocked.Read(ref _leaderChildMessages);

    /// <summary>Completes with the message that killed the node.</summary>
    public Task<string> Killed => _killed.Task;

    public IReadOnlyList<object> Held
    {
        get
        {
            lock (_lock) return _held.Select(h => h.Message).ToList();
        }
    }

    /// <summary>Sends every held message on, in the order held.</summary>
    public void ReleaseHeld()
    {
        List<(IActorRef To, object Message, IActorRef Sender)> held;
        lock (_lock)
        {
            held = _held.ToList();
            _held.Clear();
            foreach (var h in held) _released.Add(h.Message);
        }
        foreach (var (to, message, sender) in held) to.Tell(message, sender);
    }

    /// <summary>False when <paramref name="envelope"/> must not reach <paramref name="owner"/>'s mailbox.</summary>
    internal bool Admit(IActorRef owner, Envelope envelope)
    {
        if (_frozen) return false;
        if (owner.Path.Parent.Name == "leader") Interlocked.Increment(ref _leaderChildMessages);
        var message = envelope.Message;
        if (_record(owner.Path, message)) _recorded.Enqueue((DateTime.UtcNow, owner.Path, message));
        Verdict verdict;
        lock (_lock)
        {
            if (_released.Remove(message)) return true;
            verdict = _onSend(owner.Path, message);
            if (verdict == Verdict.Hold) _held.Add((owner, message, envelope.Sender));
        }
        if (verdict == Verdict.Kill) Kill($"{message.GetType().Name} sent to {owner.Path}: {message}");
        return verdict == Verdict.Pass;
    }

    internal bool Frozen => _frozen;

    /// <summary>The actor took <paramref name="message"/> from its mailbox and handles it now.</summary>
    internal void Taken(IActorRef owner, object message)
    {
        if (_killAfterTaking(owner.Path, message)) Kill($"{message.GetType().Name} taken by {owner.Path}: {message}");
    }

    private void Kill(string what)
    {
        lock (_lock)
        {
            if (_frozen) return;
            _frozen = true;
        }
        _killed.TrySetResult(what);
        // Not on the sender's thread: terminating waits for actors to stop.
        _ = Task.Run(() => _system.Terminate());
    }
}

/// <summary>The mailbox of a tapped actor (<see cref="MessageTap.Hocon"/>): unbounded and deque-based, so actors with a
/// stash (persistent actors, tasks) can have it too.</summary>
public sealed class TapMailbox(Settings settings, Config config) : MailboxType(settings, config), IProducesMessageQueue<TapQueue>
{
    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new TapQueue(owner, system);
}

public sealed class TapQueue(IActorRef owner, ActorSystem system) : IMessageQueue, IUnboundedDequeBasedMessageQueueSemantics
{
    private readonly UnboundedDequeMessageQueue _queue = new();

    public bool HasMessages => _queue.HasMessages;
    public int Count => _queue.Count;

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        if (MessageTap.Of(system) is { } tap && !tap.Admit(owner, envelope)) return;
        _queue.Enqueue(receiver, envelope);
    }

    public void EnqueueFirst(Envelope envelope) => _queue.EnqueueFirst(envelope);

    public bool TryDequeue(out Envelope envelope)
    {
        var tap = MessageTap.Of(system);
        if (tap is { Frozen: true })
        {
            while (_queue.TryDequeue(out _)) { }
            envelope = default;
            return false;
        }
        if (!_queue.TryDequeue(out envelope)) return false;
        tap?.Taken(owner, envelope.Message);
        return true;
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters) => _queue.CleanUp(owner, deadletters);
}
