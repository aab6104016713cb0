namespace RainStorm.Operators.Contract;

/// <summary>
/// One stage's operator. A task owns one instance and calls it from one thread at a time.
/// </summary>
public interface IOperator : IDisposable
{
    /// <summary>The key the stream into this operator is partitioned by, so that every tuple that
    /// touches one piece of state reaches the same task. Stateless operators keep the tuple's key.</summary>
    string PartitionKey(in StreamTuple tuple) => tuple.Key;

    /// <summary>Processes a batch in order, appending zero or more outputs per input to <paramref name="outputs"/>.</summary>
    void Process(IReadOnlyList<StreamTuple> batch, List<StreamTuple> outputs);

    void IDisposable.Dispose() { }
}

/// <summary>
/// An operator whose state must survive failures and move between tasks when a stage rescales.
/// State is organised by key group (<see cref="KeyGroups"/>) of the partition key.
/// </summary>
public interface IStatefulOperator : IOperator
{
    /// <summary>The state of the given key groups (all groups when null), one serialized blob per non-empty group.</summary>
    IReadOnlyDictionary<int, byte[]> Snapshot(IReadOnlySet<int>? keyGroups = null);

    /// <summary>Adds the state of the given groups, replacing what the operator had for those groups.</summary>
    void Restore(IReadOnlyDictionary<int, byte[]> groups);

    /// <summary>Drops the state of the given groups (after they moved to another task).</summary>
    void Remove(IReadOnlySet<int> keyGroups);

    /// <summary>The change made by the batches processed since the last call, serialized, or null when nothing changed.
    /// Journaled together with a batch's outputs so recovery does not need to re-run the operator.</summary>
    byte[]? TakeDelta();

    /// <summary>Re-applies a delta returned by <see cref="TakeDelta"/> (during recovery).</summary>
    void ApplyDelta(byte[] delta);
}
