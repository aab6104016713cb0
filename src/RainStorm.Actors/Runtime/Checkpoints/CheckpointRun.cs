using static RainStorm.Actors.Runtime.Checkpoints.CheckpointProtocol;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Runtime.Checkpoints;

/// <summary>
/// The job master's record of the checkpoint under way: the tasks it waits for and what each acknowledged. A task that
/// completes meanwhile is not waited for (its last part stays the one of an earlier checkpoint). Pure.
/// </summary>
public sealed class CheckpointRun(long id, IEnumerable<TaskId> expected)
{
    private readonly HashSet<TaskId> _waiting = [..expected];
    private readonly Dictionary<(int Stage, int Index), CheckpointEntry> _entries = new();

    public long Id { get; } = id;

    public System.Diagnostics.Stopwatch Clock { get; } = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>Every task waited for acknowledged (or completed), and the checkpoint is not being written yet.</summary>
    public bool Complete => _waiting.Count == 0 && !Writing;

    /// <summary>Its manifest is being written (it completes once).</summary>
    public bool Writing { get; set; }

    public int Waiting => _waiting.Count;

    /// <summary>Records <paramref name="ack"/> if it is for this checkpoint from a task waited for; true when it was.</summary>
    public bool Acknowledged(CheckpointAck ack)
    {
        if (ack.Id != Id || !_waiting.Remove(ack.Task)) return false;
        _entries[(ack.Task.Stage, ack.Task.Index)] = new CheckpointEntry(ack.Task.Stage, ack.Task.Index, ack.State, ack.File);
        return true;
    }

    /// <summary>The task completed: it will not acknowledge.</summary>
    public void Finished(TaskId task) => _waiting.Remove(task);

    /// <summary>The completed checkpoint: each task's newest part (from this run, else from <paramref name="previous"/>
    /// when <paramref name="stillInJob"/>: a task that completed keeps its last part, one that left its stage has none).</summary>
    public CheckpointManifest Manifest(string jobId, CheckpointManifest? previous, Func<CheckpointEntry, bool> stillInJob)
    {
        var entries = new Dictionary<(int, int), CheckpointEntry>();
        foreach (var entry in previous?.Entries ?? [])
            if (stillInJob(entry)) entries[(entry.Stage, entry.Index)] = entry;
        foreach (var (key, entry) in _entries) entries[key] = entry;
        return new CheckpointManifest(jobId, Id, entries.Values.OrderBy(e => e.Stage).ThenBy(e => e.Index).ToArray());
    }
}
