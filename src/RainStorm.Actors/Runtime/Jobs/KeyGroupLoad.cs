using RainStorm.Operators.Contract;

namespace RainStorm.Actors.Runtime.Jobs;

/// <summary>
/// The measured load of each key group of a job's partitioned stages: the tuples routed to it, as the tasks in front
/// report them, decayed so that recent reports count most (each report's weight halves over <see cref="HalfLife"/>
/// reports). A rescale moves groups by these weights (<see cref="KeyGroupMover"/>); a stage nothing was measured for
/// yet weighs every group the same.
/// </summary>
public sealed class KeyGroupLoad
{
    public const int HalfLife = 10;
    private static readonly double Decay = Math.Pow(0.5, 1.0 / HalfLife);
    private readonly Dictionary<int, double[]> _byStage = new();

    /// <summary>A task in front of <paramref name="stage"/> sent <paramref name="groupsOut"/> tuples per key group since its last report.</summary>
    public void Observe(int stage, IReadOnlyList<long> groupsOut)
    {
        if (groupsOut.Count != KeyGroups.Count) return;
        if (!_byStage.TryGetValue(stage, out var load)) _byStage[stage] = load = new double[KeyGroups.Count];
        for (var g = 0; g < load.Length; g++) load[g] = load[g] * Decay + groupsOut[g];
    }

    /// <summary>The weight of each key group of <paramref name="stage"/>, or null when nothing reached it yet.</summary>
    public long[]? Weights(int stage) =>
        _byStage.TryGetValue(stage, out var load) && load.Any(l => l >= 1) ? load.Select(l => (long)Math.Round(l)).ToArray() : null;
}
