using Akka.Persistence;

namespace RainStorm.Actors.Persistence;

/// <summary>Snapshot file records: a saved snapshot, a deletion of one, or a deletion by criteria.</summary>
/// <remarks>Version 2 starts with <see cref="JournalRecord.Version2"/>, then the kind; version 1 started with the kind
/// (1-3), so both read.</remarks>
internal abstract record SnapshotRecord
{
    private const byte SaveKind = 1, DeleteOneKind = 2, DeleteRangeKind = 3;

    public sealed record Saved(long SequenceNr, long TimestampTicks, int SerializerId, string Manifest, byte[] Bytes) : SnapshotRecord;
    public sealed record DeletedOne(long SequenceNr, long TimestampTicks) : SnapshotRecord;
    public sealed record DeletedRange(long MinSequenceNr, long MaxSequenceNr, long MinTimestampTicks, long MaxTimestampTicks) : SnapshotRecord;

    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write(JournalRecord.Version2);
        switch (this)
        {
            case Saved s:
                w.Write(SaveKind); w.Write(s.SequenceNr); w.Write(s.TimestampTicks); w.Write(s.SerializerId); w.Write(s.Manifest);
                w.Write(s.Bytes.Length); w.Write(s.Bytes);
                break;
            case DeletedOne d:
                w.Write(DeleteOneKind); w.Write(d.SequenceNr); w.Write(d.TimestampTicks);
                break;
            case DeletedRange r:
                w.Write(DeleteRangeKind); w.Write(r.MinSequenceNr); w.Write(r.MaxSequenceNr); w.Write(r.MinTimestampTicks); w.Write(r.MaxTimestampTicks);
                break;
        }
        w.Flush();
        return stream.ToArray();
    }

    public static SnapshotRecord Parse(byte[] payload)
    {
        using var r = new BinaryReader(new MemoryStream(payload));
        var first = r.ReadByte();
        var kind = first == JournalRecord.Version2 ? r.ReadByte() : first;
        return kind switch
        {
            SaveKind => new Saved(r.ReadInt64(), r.ReadInt64(), r.ReadInt32(), r.ReadString(), r.ReadBytes(r.ReadInt32())),
            DeleteOneKind => new DeletedOne(r.ReadInt64(), r.ReadInt64()),
            _ => new DeletedRange(r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64()),
        };
    }

    public static DeletedRange From(SnapshotSelectionCriteria c) =>
        new(c.MinSequenceNr, c.MaxSequenceNr, (c.MinTimestamp ?? DateTime.MinValue).Ticks, c.MaxTimeStamp.Ticks);

    public static bool Matches(DeletedRange range, long seq, long ticks) =>
        seq >= range.MinSequenceNr && seq <= range.MaxSequenceNr && ticks >= range.MinTimestampTicks && ticks <= range.MaxTimestampTicks;
}
