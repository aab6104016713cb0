using Akka.Actor;
using Akka.Serialization;
using static RainStorm.Actors.HyDfs.Protocol.HyDfsProtocol;

namespace RainStorm.Actors.HyDfs.Protocol;

/// <summary>
/// Compact binary form of the hot HyDFS messages (appends, their acks, replica batches, transfer and read
/// chunks): the layout version byte, then one length-prefixed field after another, no type names. The other HyDFS
/// messages go through <see cref="HyDfsControlSerializer"/>.
/// </summary>
public sealed class HyDfsSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 7301;

    /// <summary>Version 1: the fields of each record in declaration order (Append: name, client, seq, prev, data).</summary>
    public const byte Version1 = 1;

    public static readonly IReadOnlyList<Type> BoundTypes =
        [typeof(Append), typeof(AppendBatch), typeof(AppendAck), typeof(ReplicaWrite), typeof(ReplicaProgress), typeof(Chunk), typeof(Pull), typeof(Read), typeof(ReadResult), typeof(ReadLocal)];

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        Append => "A",
        AppendBatch => "B",
        AppendAck => "K",
        ReplicaWrite => "W",
        ReplicaProgress => "P",
        Chunk => "C",
        Pull => "L",
        Read => "D",
        ReadResult => "R",
        ReadLocal => "O",
        _ => throw new ArgumentException($"HyDfsSerializer cannot serialize {o.GetType()}"),
    };

    // A primary sends the same ReplicaWrite to every replica: serialize it once.
    private volatile Tuple<object, byte[]>? _lastBulky;

    public override byte[] ToBinary(object obj)
    {
        if (obj is ReplicaWrite && _lastBulky is { } last && ReferenceEquals(last.Item1, obj)) return last.Item2;
        var bytes = Serialize(obj);
        if (obj is ReplicaWrite) _lastBulky = Tuple.Create(obj, bytes);
        return bytes;
    }

    private static byte[] Serialize(object obj)
    {
        // Bulky messages get a buffer of exactly their size, so the bytes are copied once, not twice.
        var exact = ExactSize(obj) is > 0 and var size ? size + 1 : 0;
        var buffer = exact > 0 ? new byte[exact] : null;
        using var stream = buffer is not null ? new MemoryStream(buffer, 0, buffer.Length, writable: true, publiclyVisible: true) : new MemoryStream(64);
        using var w = new BinaryWriter(stream);
        w.Write(Version1);
        switch (obj)
        {
            case Append a: w.Write(a.Name); w.Write(a.ClientId); w.Write(a.Seq); w.Write(a.PrevSeq); Bytes(w, a.Data); break;
            case AppendBatch b:
                w.Write(b.Name); w.Write(b.ClientId); w.Write(b.Seqs.Length);
                for (var i = 0; i < b.Seqs.Length; i++)
                {
                    w.Write(b.Seqs[i]);
                    w.Write(b.PrevSeqs[i]);
                    Bytes(w, b.Data[i]);
                }
                break;
            case AppendAck k: w.Write(k.Name); w.Write(k.ClientId); w.Write(k.Seq); break;
            case ReplicaWrite rw:
                w.Write(rw.Name); w.Write(rw.Offset); w.Write(rw.Primary); Entries(w, rw.Entries); Bytes(w, rw.Data);
                break;
            case ReplicaProgress p: w.Write(p.Name); w.Write(p.Node); w.Write(p.Length); break;
            case Chunk c:
                w.Write(c.Name); w.Write(c.Offset); w.Write(c.SourceLength); w.Write(c.Dedup is not null);
                if (c.Dedup is not null) Entries(w, c.Dedup);
                Bytes(w, c.Data);
                break;
            case Pull l: w.Write(l.Name); w.Write(l.Offset); w.Write(l.MaxBytes); break;
            case Read d: w.Write(d.Name); w.Write(d.Offset); w.Write(d.MaxBytes); break;
            case ReadResult r: w.Write(r.Name); w.Write(r.Offset); w.Write(r.Length); Bytes(w, r.Data); break;
            case ReadLocal o: w.Write(o.Name); w.Write(o.Offset); w.Write(o.MaxBytes); break;
            default: throw new ArgumentException($"HyDfsSerializer cannot serialize {obj.GetType()}");
        }
        w.Flush();
        return buffer is not null && stream.Position == buffer.Length ? buffer : stream.ToArray();
    }

    private static int ExactSize(object obj) => obj switch
    {
        Append a => Str(a.Name) + Str(a.ClientId) + 16 + 4 + a.Data.Length,
        AppendBatch b => Str(b.Name) + Str(b.ClientId) + 4 + b.Data.Sum(d => 16 + 4 + d.Length),
        ReplicaWrite rw => Str(rw.Name) + 8 + Str(rw.Primary) + 4 + rw.Entries.Sum(e => Str(e.ClientId) + 8) + 4 + rw.Data.Length,
        Chunk c => Str(c.Name) + 16 + 1 + (c.Dedup is null ? 0 : 4 + c.Dedup.Sum(e => Str(e.ClientId) + 8)) + 4 + c.Data.Length,
        ReadResult r => Str(r.Name) + 16 + 4 + r.Data.Length,
        _ => 0,
    };

    /// <summary>Bytes BinaryWriter.Write(string) takes: a 7-bit encoded length, then UTF-8.</summary>
    private static int Str(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetByteCount(text);
        var prefix = 1;
        for (var v = (uint)bytes; v >= 0x80; v >>= 7) prefix++;
        return prefix + bytes;
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        var version = r.ReadByte();
        if (version > Version1)
            throw new System.Runtime.Serialization.SerializationException($"hydfs message '{manifest}' of layout version {version}: this node reads up to version {Version1} (sent by a newer RainStorm?)");
        return manifest switch
        {
            "A" => ReadAppend(r),
            "B" => ReadAppendBatch(r),
            "K" => new AppendAck(r.ReadString(), r.ReadString(), r.ReadInt64()),
            "W" => ReadWrite(r),
            "P" => new ReplicaProgress(r.ReadString(), r.ReadString(), r.ReadInt64()),
            "C" => ReadChunk(r),
            "L" => new Pull(r.ReadString(), r.ReadInt64(), r.ReadInt32()),
            "D" => new Read(r.ReadString(), r.ReadInt64(), r.ReadInt32()),
            "R" => ReadResultOf(r),
            "O" => new ReadLocal(r.ReadString(), r.ReadInt64(), r.ReadInt32()),
            _ => throw new ArgumentException($"HyDfsSerializer: unknown manifest '{manifest}'"),
        };
    }

    private static Append ReadAppend(BinaryReader r)
    {
        var name = r.ReadString();
        var client = r.ReadString();
        var seq = r.ReadInt64();
        var prev = r.ReadInt64();
        return new Append(name, Bytes(r), client, seq, prev);
    }

    private static AppendBatch ReadAppendBatch(BinaryReader r)
    {
        var name = r.ReadString();
        var client = r.ReadString();
        var count = r.ReadInt32();
        var seqs = new long[count];
        var prevs = new long[count];
        var data = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            seqs[i] = r.ReadInt64();
            prevs[i] = r.ReadInt64();
            data[i] = Bytes(r);
        }
        return new AppendBatch(name, client, seqs, prevs, data);
    }

    private static ReplicaWrite ReadWrite(BinaryReader r)
    {
        var name = r.ReadString();
        var offset = r.ReadInt64();
        var primary = r.ReadString();
        var entries = Entries(r);
        return new ReplicaWrite(name, offset, Bytes(r), entries, primary);
    }

    private static Chunk ReadChunk(BinaryReader r)
    {
        var name = r.ReadString();
        var offset = r.ReadInt64();
        var sourceLength = r.ReadInt64();
        var dedup = r.ReadBoolean() ? Entries(r) : null;
        return new Chunk(name, offset, Bytes(r), sourceLength, dedup);
    }

    private static ReadResult ReadResultOf(BinaryReader r)
    {
        var name = r.ReadString();
        var offset = r.ReadInt64();
        var length = r.ReadInt64();
        return new ReadResult(name, offset, Bytes(r), length);
    }

    private static void Bytes(BinaryWriter w, byte[] data)
    {
        w.Write(data.Length);
        w.Write(data);
    }

    private static byte[] Bytes(BinaryReader r) => r.ReadBytes(r.ReadInt32());

    private static void Entries(BinaryWriter w, DedupEntry[] entries)
    {
        w.Write(entries.Length);
        foreach (var e in entries)
        {
            w.Write(e.ClientId);
            w.Write(e.Seq);
        }
    }

    private static DedupEntry[] Entries(BinaryReader r)
    {
        var entries = new DedupEntry[r.ReadInt32()];
        for (var i = 0; i < entries.Length; i++) entries[i] = new DedupEntry(r.ReadString(), r.ReadInt64());
        return entries;
    }
}
