using RainStorm.Operators.Contract;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>The owned lines a source task took for one round: how many, and the tuples of those it emits (all of them,
/// or with a prefilter only those that pass it).</summary>
public sealed class TakenLines
{
    public List<StreamTuple> Tuples { get; } = [];

    public int Lines { get; set; }

    public void Clear()
    {
        Tuples.Clear();
        Lines = 0;
    }
}
