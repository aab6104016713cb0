namespace RainStorm.Actors.Runtime.Recovery;

/// <summary>What a durable task's journal rounds cost: how many, how much each carried, how long each append took
/// (from the round's PersistAsync to its handler). Logged when the task completes, to tune rounds and windows.</summary>
public sealed class RoundStats
{
    private long _rounds;
    private long _items;
    private long _latencyTicks;

    /// <summary>A round of <paramref name="items"/> (input batches, or lines for a source) became durable
    /// <paramref name="startedAt"/> (<see cref="Environment.TickCount64"/>) ago.</summary>
    public void Persisted(int items, long startedAt)
    {
        _rounds++;
        _items += items;
        _latencyTicks += Environment.TickCount64 - startedAt;
    }

    /// <param name="unit">What the items are, e.g. "input batches".</param>
    public string Describe(string unit) => _rounds == 0
        ? "no journal rounds"
        : $"{_rounds} journal rounds, {(double)_items / _rounds:0.#} {unit} per round, mean append {(double)_latencyTicks / _rounds:0.#} ms";
}
