using Akka.Actor;
using Akka.Serialization;
using RainStorm.Actors.Runtime.Transport;
using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Recovery.RecoveryRecords;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Runtime.Recovery;

/// <summary>Compact binary format of the exactly-once journal events and snapshots (they carry many tuples: no Hyperion).</summary>
/// <remarks>Records start with a layout version byte under the manifests <c>round</c>, <c>snapshot</c>,
/// <c>source-round</c>, <c>source-snapshot</c>, <c>edges-forgotten</c>, <c>hold-started</c> and <c>hold-released</c>. Journals written before the version byte carry the one-letter
/// manifests <c>R</c>, <c>S</c>, <c>r</c>, <c>s</c>: those records are read as version 0 (the same fields, no version byte).</remarks>
public sealed class RecoveryRecordSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 4712;

    /// <summary>Version 1: version 0's fields after the version byte.</summary>
    public const byte Version1 = 1;

    /// <summary>Version 2: a task snapshot ends with the held key groups (or -1) and the tuples kept aside (after a
    /// flag: present or not); a source snapshot with the held key groups (or -1).</summary>
    public const byte Version2 = 2;

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        TaskRound => "round",
        TaskSnapshot => "snapshot",
        SourceRound => "source-round",
        SourceSnapshot => "source-snapshot",
        EdgesForgotten => "edges-forgotten",
        HoldStarted => "hold-started",
        HoldReleased => "hold-released",
        _ => throw new ArgumentException($"{nameof(RecoveryRecordSerializer)} cannot serialize {o.GetType()}."),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            w.Write(Version2);
            switch (obj)
            {
                case TaskRound round:
                    WriteArray(w, round.Inputs, i => { WriteEdge(w, i.Edge); w.Write(i.Seq); w.Write(i.EndOfStream); });
                    WriteBytes(w, round.Delta);
                    WriteTuples(w, round.Outputs);
                    w.Write(round.TuplesIn);
                    break;
                case TaskSnapshot s:
                    WriteArray(w, s.Marks, m => { WriteEdge(w, m.Edge); w.Write(m.DoneUpTo); WriteLongs(w, m.DoneAbove); w.Write(m.Ended); });
                    WriteArray(w, s.State.ToArray(), p => { w.Write(p.Key); WriteBytes(w, p.Value); });
                    WriteArray(w, s.Outstanding, b => { WriteEdge(w, b.Edge); w.Write(b.Seq); w.Write(b.EndOfStream); WriteTuples(w, b.Tuples); });
                    WriteLongs(w, s.NextSeqs);
                    w.Write(s.Finishing);
                    WriteArray(w, s.Appends, a => { w.Write(a.Seq); WriteBytes(w, a.Data); });
                    w.Write(s.SinkSeq);
                    w.Write(s.TuplesIn);
                    w.Write(s.TuplesOut);
                    if (s.HeldGroups is null) w.Write(-1);
                    else WriteArray(w, s.HeldGroups, w.Write);
                    w.Write(s.KeptAside is not null);
                    if (s.KeptAside is not null) WriteTuples(w, s.KeptAside);
                    break;
                case SourceRound r:
                    w.Write(r.Count);
                    break;
                case SourceSnapshot s:
                    w.Write(s.SkipTuples);
                    WriteLongs(w, s.NextSeqs);
                    WriteArray(w, s.PendingRounds, w.Write);
                    if (s.HeldGroups is null) w.Write(-1);
                    else WriteArray(w, s.HeldGroups, w.Write);
                    break;
                case EdgesForgotten f:
                    WriteArray(w, f.Edges, e => WriteEdge(w, e));
                    break;
                case HoldStarted h:
                    WriteArray(w, h.Groups, w.Write);
                    break;
                case HoldReleased:
                    break;
                default:
                    throw new ArgumentException($"{nameof(RecoveryRecordSerializer)} cannot serialize {obj.GetType()}.");
            }
        }
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        var kind = manifest switch
        {
            "R" or "S" or "r" or "s" => manifest,
            "round" => "R",
            "snapshot" => "S",
            "source-round" => "r",
            "source-snapshot" => "s",
            "edges-forgotten" => "F",
            "hold-started" => "H",
            "hold-released" => "h",
            _ => throw new System.Runtime.Serialization.SerializationException($"{nameof(RecoveryRecordSerializer)}: unknown manifest '{manifest}'."),
        };
        var version = manifest.Length > 1 ? r.ReadByte() : (byte)0;
        if (version > Version2)
            throw new System.Runtime.Serialization.SerializationException(
                $"task journal record '{manifest}' of layout version {version}: this node reads up to version {Version2} (written by a newer RainStorm?)");
        return kind switch
        {
            "R" => new TaskRound(
                ReadArray(r, () => new InputMark(ReadEdge(r), r.ReadInt64(), r.ReadBoolean())),
                ReadBytes(r), ReadTuples(r), r.ReadInt64()),
            "S" => new TaskSnapshot(
                ReadArray(r, () => new EdgeMark(ReadEdge(r), r.ReadInt64(), ReadLongs(r), r.ReadBoolean())),
                ReadArray(r, () => new KeyValuePair<int, byte[]>(r.ReadInt32(), ReadBytes(r)!)).ToDictionary(),
                ReadArray(r, () => ReadBatch(r)),
                ReadLongs(r), r.ReadBoolean(),
                ReadArray(r, () => new SinkAppend(r.ReadInt64(), ReadBytes(r)!)),
                r.ReadInt64(), r.ReadInt64(), r.ReadInt64(),
                version >= Version2 ? ReadHeldGroups(r) : null,
                version >= Version2 && r.ReadBoolean() ? ReadTuples(r) : null),
            "r" => new SourceRound(r.ReadInt32()),
            "F" => new EdgesForgotten(ReadArray(r, () => ReadEdge(r))),
            "H" => new HoldStarted(ReadArray(r, r.ReadInt32)),
            "h" => HoldReleased.Instance,
            _ => new SourceSnapshot(r.ReadInt64(), ReadLongs(r), ReadArray(r, r.ReadInt32), version >= Version2 ? ReadHeldGroups(r) : null),
        };
    }

    private static int[]? ReadHeldGroups(BinaryReader r)
    {
        var count = r.ReadInt32();
        if (count < 0) return null;
        var groups = new int[count];
        for (var i = 0; i < count; i++) groups[i] = r.ReadInt32();
        return groups;
    }

    private static TupleBatch ReadBatch(BinaryReader r)
    {
        var edge = ReadEdge(r);
        var seq = r.ReadInt64();
        var end = r.ReadBoolean();
        return new TupleBatch(edge, seq, ReadTuples(r), end);
    }

    private static void WriteArray<T>(BinaryWriter w, IReadOnlyCollection<T> items, Action<T> write)
    {
        w.Write(items.Count);
        foreach (var item in items) write(item);
    }

    private static T[] ReadArray<T>(BinaryReader r, Func<T> read)
    {
        var items = new T[r.ReadInt32()];
        for (var i = 0; i < items.Length; i++) items[i] = read();
        return items;
    }

    private static void WriteEdge(BinaryWriter w, Edge e)
    {
        w.Write(e.JobId);
        w.Write(e.FromStage);
        w.Write(e.FromTask);
        w.Write(e.ToTask);
    }

    private static Edge ReadEdge(BinaryReader r) => new(r.ReadString(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32());

    private static void WriteBytes(BinaryWriter w, byte[]? bytes)
    {
        w.Write(bytes?.Length ?? -1);
        if (bytes is not null) w.Write(bytes);
    }

    private static byte[]? ReadBytes(BinaryReader r)
    {
        var length = r.ReadInt32();
        return length < 0 ? null : r.ReadBytes(length);
    }

    private static void WriteLongs(BinaryWriter w, long[] values) => WriteArray(w, values, w.Write);

    private static long[] ReadLongs(BinaryReader r) => ReadArray(r, r.ReadInt64);

    private static void WriteTuples(BinaryWriter w, StreamTuple[] tuples) => WriteArray(w, tuples, t => { w.Write(t.Key); w.Write(t.Value); });

    private static StreamTuple[] ReadTuples(BinaryReader r) => ReadArray(r, () => new StreamTuple(r.ReadString(), r.ReadString()));
}
