using Akka.Actor;

namespace RainStorm.Actors.Runtime.Recovery;

/// <summary>
/// What exactly_once adds to a task: its rounds (and the few other records a rescale needs) go through the task's
/// <see cref="TaskJournal"/> and their continuation (acknowledge the inputs, send the outputs) runs only once the
/// journal answered; snapshots are saved there too. The task owns one when its job is exactly_once and none otherwise,
/// so that everything else about a task is written once. Not thread-safe: owned by one task actor.
/// </summary>
public sealed class TaskDurability(IActorRef journal, RecoverySettings settings)
{
    private readonly List<Action> _appending = [];
    private readonly Queue<Action?> _saving = new();
    private long _inFlightSince;

    public RecoverySettings Settings { get; } = settings;

    public IActorRef Journal { get; } = journal;

    /// <summary>Appends under way (not yet answered by the journal).</summary>
    public int InFlight => _appending.Count;

    /// <summary>Snapshots asked for and not yet answered.</summary>
    public int Saving => _saving.Count;

    /// <summary>Nothing appended or saved is still under way.</summary>
    public bool Idle => _appending.Count == 0 && _saving.Count == 0;

    /// <summary>Another round may be started (at most <see cref="RecoverySettings.RoundsInFlight"/> under way).</summary>
    public bool CanStartRound => _appending.Count < Settings.RoundsInFlight;

    /// <summary>An append has been under way longer than <see cref="RecoverySettings.StuckAfter"/>.</summary>
    public bool Stuck => _appending.Count > 0 && Environment.TickCount64 - _inFlightSince > (long)Settings.StuckAfter.TotalMilliseconds;

    /// <summary>Appends <paramref name="record"/>; <paramref name="durable"/> runs once it is in the journal (in order).</summary>
    public void Append(IRecoveryRecord record, Action durable)
    {
        if (_appending.Count == 0) _inFlightSince = Environment.TickCount64;
        _appending.Add(durable);
        Journal.Tell(new TaskJournal.Append(record));
    }

    /// <summary>The journal answered the oldest append: its continuation runs.</summary>
    public void Appended()
    {
        _inFlightSince = Environment.TickCount64;
        var durable = _appending[0];
        _appending.RemoveAt(0);
        durable();
    }

    /// <summary>Saves <paramref name="snapshot"/>, which must cover every append (none under way);
    /// <paramref name="saved"/> runs once it is stored.</summary>
    public void Save(IRecoveryRecord snapshot, Action? saved = null)
    {
        if (_appending.Count > 0) throw new InvalidOperationException("A snapshot was taken while a journal append was under way.");
        _saving.Enqueue(saved);
        Journal.Tell(new TaskJournal.Save(snapshot));
    }

    /// <summary>The journal answered the oldest snapshot: its continuation runs. False when that snapshot failed and
    /// something waited for it (the task cannot go on without it).</summary>
    public bool SnapshotAnswered(bool stored)
    {
        var saved = _saving.Dequeue();
        if (stored) saved?.Invoke();
        return stored || saved is null;
    }
}
