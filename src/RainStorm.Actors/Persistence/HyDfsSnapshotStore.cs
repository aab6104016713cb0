using Akka.Persistence;
using Akka.Persistence.Snapshot;
using RainStorm.Actors.HyDfs;

namespace RainStorm.Actors.Persistence;

/// <summary>
/// Akka.Persistence snapshot store on HyDFS: one append-only file per persistence id holding framed snapshot
/// records; deletions are marker records, and a load picks the youngest snapshot that matches and is not deleted.
/// </summary>
public sealed class HyDfsSnapshotStore : SnapshotStore
{
    private readonly HyDfsClient _client = HyDfsClient.For(Context.System);
    private readonly Akka.Serialization.Serialization _serialization = Context.System.Serialization;

    private static string FileOf(string persistenceId) => RecordLog.FileName("snapshots", persistenceId);

    protected override async Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        var saved = new List<SnapshotRecord.Saved>();
        var deletedOne = new HashSet<(long, long)>();
        var deletedRanges = new List<SnapshotRecord.DeletedRange>();
        await foreach (var payload in RecordLog.ReadAsync(_client, FileOf(persistenceId)))
        {
            switch (SnapshotRecord.Parse(payload))
            {
                case SnapshotRecord.Saved s: saved.Add(s); break;
                case SnapshotRecord.DeletedOne d: deletedOne.Add((d.SequenceNr, d.TimestampTicks)); break;
                case SnapshotRecord.DeletedRange r: deletedRanges.Add(r); break;
            }
        }
        var minTicks = (criteria.MinTimestamp ?? DateTime.MinValue).Ticks;
        var best = saved
            .Where(s => s.SequenceNr >= criteria.MinSequenceNr && s.SequenceNr <= criteria.MaxSequenceNr)
            .Where(s => s.TimestampTicks >= minTicks && s.TimestampTicks <= criteria.MaxTimeStamp.Ticks)
            .Where(s => !IsDeleted(s, deletedOne, deletedRanges))
            .Select((s, position) => (Snapshot: s, Position: position))
            .OrderByDescending(x => x.Snapshot.SequenceNr).ThenByDescending(x => x.Snapshot.TimestampTicks).ThenByDescending(x => x.Position)
            .Select(x => x.Snapshot)
            .FirstOrDefault();
        if (best is null) return null;
        var snapshot = Akka.Serialization.Serialization.WithTransport(_serialization.System, () => _serialization.Deserialize(best.Bytes, best.SerializerId, best.Manifest));
        return new SelectedSnapshot(new SnapshotMetadata(persistenceId, best.SequenceNr, new DateTime(best.TimestampTicks, DateTimeKind.Utc)), snapshot);
    }

    private static bool IsDeleted(SnapshotRecord.Saved s, HashSet<(long, long)> one, List<SnapshotRecord.DeletedRange> ranges) =>
        one.Contains((s.SequenceNr, s.TimestampTicks)) || one.Contains((s.SequenceNr, 0))
        || ranges.Any(r => SnapshotRecord.Matches(r, s.SequenceNr, s.TimestampTicks));

    protected override async Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken)
    {
        var serializer = _serialization.FindSerializerFor(snapshot);
        // Inside WithTransport: an actor ref in the snapshot is written with this node's address (see JournalRecord).
        var bytes = Akka.Serialization.Serialization.WithTransport(_serialization.System, () => serializer.ToBinary(snapshot));
        var record = new SnapshotRecord.Saved(metadata.SequenceNr, metadata.Timestamp.Ticks, serializer.Identifier,
            Akka.Serialization.Serialization.ManifestFor(serializer, snapshot), bytes);
        await AppendAsync(metadata.PersistenceId, record, cancellationToken);
    }

    protected override Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken) =>
        AppendAsync(metadata.PersistenceId,
            // A metadata without a timestamp (DateTime.MinValue) deletes the snapshot with that sequence number.
            new SnapshotRecord.DeletedOne(metadata.SequenceNr, metadata.Timestamp == DateTime.MinValue ? 0 : metadata.Timestamp.Ticks),
            cancellationToken);

    protected override Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken) =>
        AppendAsync(persistenceId, SnapshotRecord.From(criteria), cancellationToken);

    private async Task AppendAsync(string persistenceId, SnapshotRecord record, CancellationToken cancellationToken)
    {
        var name = FileOf(persistenceId);
        await RecordLog.EnsureExistsAsync(_client, name);
        await _client.AppendAsync(name, RecordLog.Frame(record.ToBytes()), cancellationToken);
    }
}
