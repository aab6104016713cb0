using System.Diagnostics;
using Akka.Actor;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Jobs;

/// <summary>The steps of one live rescale, in order (see <see cref="Protocol.RescaleProtocol"/>).</summary>
public enum RescaleStep
{
    /// <summary>The stage in front holds its output until everything it sent is acknowledged.</summary>
    Holding,
    /// <summary>New tasks of the stage are starting.</summary>
    Starting,
    /// <summary>Old owners give up the key groups that move.</summary>
    HandingOff,
    /// <summary>New owners take the moved groups over.</summary>
    TakingOver,
    /// <summary>The stage and the one after it expect their new edges.</summary>
    Connecting,
    /// <summary>The new shape is being journaled by the leader (the commit point); then the new routing goes out.</summary>
    Committing,
}

/// <summary>One rescale under way: which stage, from and to what width, who asked, and what the current step still
/// waits for.</summary>
public sealed class RescaleRun(int number, int stage, int from, int to, IActorRef? requester, int[]? oldTable, int[]? newTable, JobState.StageShape before)
{
    /// <summary>The rescale's number in its job (its messages and their answers carry it).</summary>
    public int Number { get; } = number;
    /// <summary>The stage as it was, for a roll back.</summary>
    public JobState.StageShape Before { get; } = before;
    public int Stage { get; } = stage;
    public int From { get; } = from;
    public int To { get; } = to;
    public IActorRef? Requester { get; } = requester;
    /// <summary>The key-group tables before and after (stateful stages only).</summary>
    public int[]? OldTable { get; } = oldTable;
    public int[]? NewTable { get; } = newTable;
    public Stopwatch Clock { get; } = Stopwatch.StartNew();
    public RescaleStep Step { get; private set; }
    public Dictionary<int, byte[]> MovingState { get; } = new();
    private readonly HashSet<TaskId> _waiting = [];

    public bool Grows => To > From;

    /// <summary>Enters <paramref name="step"/>, waiting for an answer from each of <paramref name="tasks"/>.</summary>
    public void Begin(RescaleStep step, IEnumerable<TaskId> tasks)
    {
        Step = step;
        _waiting.Clear();
        _waiting.UnionWith(tasks);
    }

    /// <summary>True when <paramref name="task"/> answered the current step and it was the last one waited for.</summary>
    public bool Answered(RescaleStep step, TaskId task, int number) => number == Number && step == Step && _waiting.Remove(task) && _waiting.Count == 0;

    public bool StepDone => _waiting.Count == 0;

    /// <summary>Key group → its new task, for the groups that move (old owner → groups).</summary>
    public IEnumerable<(int OldTask, int[] Groups)> HandOffs() => OldTable is null || NewTable is null
        ? []
        : KeyGroupMover.Moved(OldTable, NewTable).GroupBy(g => OldTable[g]).Select(g => (g.Key, g.ToArray()));

    public IEnumerable<(int NewTask, Dictionary<int, byte[]> State)> TakeOvers() => NewTable is null
        ? []
        : KeyGroupMover.Moved(OldTable!, NewTable).GroupBy(g => NewTable[g])
            .Select(g => (g.Key, g.Where(MovingState.ContainsKey).ToDictionary(k => k, k => MovingState[k])));
}
