using Akka.Event;
using RainStorm.Actors.Runtime.Checkpoints;
using static RainStorm.Actors.Runtime.Checkpoints.CheckpointProtocol;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// A source's side of checkpoints: on the job master's trigger it puts the barrier into its edges after every line it
/// sent, and its part is how many owned lines that is. At the end of its file it ends its edges right after a barrier
/// (so every task's last snapshot covers everything), and after a failure it restarts by skipping the lines of the
/// checkpoint it restores.
/// </summary>
public sealed partial class SourceTask
{
    private static readonly IReadOnlyDictionary<int, byte[]> NoGroups = new Dictionary<int, byte[]>();

    /// <summary>Owned lines sent so far, those before the restored checkpoint included.</summary>
    private long _linesSent;

    /// <summary>With checkpoints: the last barrier went out after the last line, so the edges may end.</summary>
    private bool _barrierAfterLastLine;

    /// <summary>The job master was asked for a checkpoint at the end of the file.</summary>
    private bool _askedForLastBarrier;

    private bool EndsAfterBarrier => _spec.Checkpoints != CheckpointMode.None;

    /// <summary>At the end of its file, with nothing left to send, a source asks for the checkpoint its edges end after.</summary>
    private void AskForLastBarrier()
    {
        if (!EndsAfterBarrier || _askedForLastBarrier || _barrierAfterLastLine || !_feed.Exhausted || _toSend.Count > 0) return;
        _askedForLastBarrier = true;
        Coordinator?.Tell(new CheckpointWanted(_spec.Id), Self);
    }

    protected override bool Restore(IReadOnlyList<(int Index, TaskCheckpoint State)> parts)
    {
        if (parts.Count > 0)
        {
            var part = parts[0].State;
            _skip = _linesSent = part.SourceLines;
            _meter.Restore(part.TuplesIn, part.TuplesOut);
            _log.Info("Task {0} restarts from the checkpoint: skipping its first {1} lines", _spec.Id, part.SourceLines);
        }
        _phase = Phase.Starting;
        return true;
    }

    private void OnTrigger(TriggerCheckpoint trigger)
    {
        if (_output is null || _phase != Phase.Running || _output.Edges.Finishing) return;
        _output.Barrier(trigger.Id);
        AcknowledgeCheckpoint(trigger.Id, new TaskCheckpoint(_linesSent, NoGroups, null, _meter.TuplesIn, _meter.TuplesOut));
        _barrierAfterLastLine = _feed.Exhausted && _toSend.Count == 0;
        Emit();
    }

    protected override void CheckpointFailed(string reason) => Fail(reason);
}
