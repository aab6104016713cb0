using RainStorm.Operators.Contract;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>Where a task's outputs go: the next stage's tasks (<see cref="EdgeOutput"/>) or, for the last stage,
/// the HyDFS destination (<see cref="SinkOutput"/>).</summary>
public interface ITaskOutput
{
    /// <summary>Routes or buffers the outputs of one input batch.</summary>
    void Emit(List<StreamTuple> outputs);

    /// <summary>False while the task must not take more input (credit windows or the sink's buffer are full).</summary>
    bool HasRoom { get; }

    /// <summary>Periodic work: flush partial batches, retry what timed out.</summary>
    void Tick();

    /// <summary>The input ended: flush everything and end the stream downstream.</summary>
    void Finish();

    /// <summary>After <see cref="Finish"/>: everything is acknowledged or written.</summary>
    bool Drained { get; }

    /// <summary>Handles the output side's own messages (acks, append completions); false if not one of them.</summary>
    bool Handle(object message);
}
