using Akka.Actor;
using Akka.Event;
using RainStorm.Actors.HyDfs.Storage;
using static RainStorm.Actors.HyDfs.Protocol.HyDfsProtocol;

namespace RainStorm.Actors.HyDfs.Node;

/// <summary>
/// Self-repair of a copy (the primary's included) whose bytes changed on disk: a read or a merge that finds a block not
/// matching its checksum refuses to serve it, and the block is fetched from the other live replicas one by one until
/// one holds bytes with that checksum, then written back in place. The checksum was taken from the bytes as they were
/// appended, so it decides which copy is right, and the file's length, order and dedup table never change.
/// </summary>
internal sealed partial class FileActor
{
    private sealed record BlockRepair(long Start, int Length, Queue<string> Sources, string? Source, DateTime AskedAt);

    private readonly SortedSet<long> _corrupt = new();
    private BlockRepair? _repair;

    /// <summary>The last round asked every live replica and none had the block's bytes: a merge fails instead of waiting.</summary>
    private bool _noGoodCopy;

    private void ReceiveRepair()
    {
        // A pull of a missing tail asks for offset Length, and a repaired block starts below it; a stray chunk at that
        // offset is harmless: only bytes with the block's checksum are written.
        Receive<Chunk>(chunk => _repair is { } r && chunk.Offset == r.Start, OnRepairChunk);
        Receive<Failed>(_ => _repair is not null && _pullSource is null, _ => AskNextSource());
    }

    /// <summary>Reads for a client or a peer: null (and the repair started) when a block touched is corrupt.</summary>
    private byte[]? ReadOrRepair(long offset, int max)
    {
        var (data, corrupt) = _file!.ReadChecked(offset, max);
        if (corrupt is not { } block) return data;
        Repair([block]);
        return null;
    }

    private string CorruptReason => $"{_self}'s copy of '{_name}' failed its checksum and is being repaired from another replica";

    private void Repair(IEnumerable<long> blocks)
    {
        foreach (var block in blocks)
            if (_corrupt.Add(block))
                _log.Warning("hydfs: block at {0} of {1} on {2} does not match its checksum (changed on disk); repairing it from another replica",
                    block, _name, _self);
        if (_repair is null) RepairNext();
    }

    private void RepairNext()
    {
        _repair = null;
        _noGoodCopy = false;
        _corrupt.RemoveWhere(b => _file is null || b >= _file.Length);
        if (_corrupt.Count == 0)
        {
            Unstash();
            return;
        }
        var start = _corrupt.Min;
        var sources = new Queue<string>(LiveOthers);
        _repair = new BlockRepair(start, (int)Math.Min(StoredChecksums.BlockSize, _file!.Length - start), sources, null, DateTime.UtcNow);
        AskNextSource();
    }

    private void AskNextSource()
    {
        if (_repair is null) return;
        if (!_repair.Sources.TryDequeue(out var source))
        {
            _log.Error("hydfs: no live replica holds a good copy of block {0} of {1}; {2} keeps refusing to serve it and tries again",
                _repair.Start, _name, _self);
            _repair = null;
            _noGoodCopy = true;
            Unstash();
            return;
        }
        _repair = _repair with { Source = source, AskedAt = DateTime.UtcNow };
        _peers.Of(source).Tell(new Pull(_name, _repair.Start, _repair.Length), Self);
    }

    private void OnRepairChunk(Chunk chunk)
    {
        var repair = _repair!;
        if (_file is null || !_file.RepairBlock(repair.Start, chunk.Data))
        {
            AskNextSource();
            return;
        }
        _log.Warning("hydfs: repaired block at {0} of {1} on {2} from {3}'s copy", repair.Start, _name, _self, repair.Source);
        _corrupt.Remove(repair.Start);
        RepairNext();
    }

    /// <summary>From the periodic tick: a source that never answered is skipped; a repair that found no good copy starts over.</summary>
    private void RepairTick(DateTime now)
    {
        if (_repair is not null && now - _repair.AskedAt > _settings.VerifyTimeout) AskNextSource();
        else if (_repair is null && _corrupt.Count > 0) RepairNext();
    }

    private bool Repairing => _repair is not null;

    /// <summary>Merge compares copies with the primary's, so the primary's own blocks are checked first: a corrupt one is
    /// repaired before the merge goes on (the merge waits), or the merge fails when no replica has a good copy.</summary>
    private bool MergeWaitsForRepair()
    {
        var corrupt = _file!.CorruptBlocks();
        if (corrupt.Count == 0) return false;
        if (_noGoodCopy && corrupt.All(_corrupt.Contains))
        {
            Sender.Tell(new Failed(_name, $"merge of '{_name}': {CorruptReason}, and no live replica holds a good copy yet"));
            return true;
        }
        Stash.Stash();
        Repair(corrupt);
        return true;
    }
}
