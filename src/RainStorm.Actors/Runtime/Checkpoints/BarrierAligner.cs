using RainStorm.Actors.Runtime.Transport;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Runtime.Checkpoints;

/// <summary>
/// An operator task's side of a checkpoint: which inbound edges delivered the barrier of the checkpoint under way, and
/// at which seq. The checkpoint is reached once every edge has processed everything up to its barrier without a gap
/// (or ended). Aligned, a batch behind its edge's barrier waits until then, so the snapshot holds exactly the effects
/// of what came before the barriers; unaligned, nothing waits. Pure: the task acts on its answers.
/// </summary>
public sealed class BarrierAligner(CheckpointMode mode)
{
    private readonly Dictionary<Edge, long> _barrierAt = new();
    private long _completed;

    /// <summary>The checkpoint under way (its first barrier arrived), or 0.</summary>
    public long Checkpoint { get; private set; }

    public bool Enabled => mode != CheckpointMode.None;

    /// <summary>A barrier of <paramref name="checkpoint"/> arrived on <paramref name="edge"/> as batch <paramref name="seq"/>.
    /// A barrier of a later checkpoint abandons an unfinished one.</summary>
    public void Arrived(long checkpoint, Edge edge, long seq)
    {
        if (checkpoint < Checkpoint || checkpoint <= _completed) return;
        if (checkpoint > Checkpoint)
        {
            Checkpoint = checkpoint;
            _barrierAt.Clear();
        }
        _barrierAt[edge] = seq;
    }

    /// <summary>The job master triggered <paramref name="checkpoint"/> at a task whose inputs all ended.</summary>
    public void Begin(long checkpoint)
    {
        if (checkpoint <= Checkpoint || checkpoint <= _completed) return;
        Checkpoint = checkpoint;
        _barrierAt.Clear();
    }

    /// <summary>Aligned: batch <paramref name="seq"/> of <paramref name="edge"/> comes after that edge's barrier of the
    /// checkpoint under way and must wait until the checkpoint is reached.</summary>
    public bool Blocks(Edge edge, long seq) =>
        mode == CheckpointMode.Aligned && Checkpoint > 0 && _barrierAt.TryGetValue(edge, out var at) && seq > at;

    /// <summary>Every edge of <paramref name="inbound"/> ended or processed everything up to its barrier.</summary>
    public bool Reached(InboundEdges inbound)
    {
        if (Checkpoint == 0) return false;
        foreach (var (edge, ended, doneUpTo) in inbound.Progress())
            if (!ended && !(_barrierAt.TryGetValue(edge, out var at) && doneUpTo >= at)) return false;
        return true;
    }

    /// <summary>The task took its snapshot: the next barrier starts the next checkpoint.</summary>
    public long Complete()
    {
        var done = _completed = Checkpoint;
        Checkpoint = 0;
        _barrierAt.Clear();
        return done;
    }
}
