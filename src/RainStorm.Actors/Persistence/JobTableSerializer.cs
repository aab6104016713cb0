using Akka.Actor;
using Akka.Serialization;
using RainStorm.Actors.Runtime.Recovery;

namespace RainStorm.Actors.Persistence;

/// <summary>
/// The leader's journaled job table (<see cref="JobJournal.JobAccepted"/>, <see cref="JobJournal.JobEnded"/>,
/// <see cref="JobJournal.StageRescaled"/>) in a
/// hand-written binary layout that starts with a version byte, instead of Hyperion (which ties the records to CLR type
/// names). A reader understands every version it ever wrote; a new field gets a new version. Records journaled by
/// Hyperion before keep their serializer id in the journal and are still read by Hyperion.
/// </summary>
public sealed class JobTableSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 4714;

    /// <summary>Version 1: JobAccepted(id, command line, source block bytes, key group tables, idempotency key),
    /// JobEnded(id, status, reason, tuples in, tuples out), StageRescaled(id, stage, width).</summary>
    private const byte Version1 = 1;

    /// <summary>Version 2: StageRescaled also has its key group table, task generations, routing epoch and leaving
    /// tasks; TaskRetired(id, stage, index, generation).</summary>
    private const byte Version2 = 2;

    /// <summary>Version 3: CheckpointCompleted(id, checkpoint, manifest).</summary>
    private const byte Version3 = 3;

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        JobJournal.JobAccepted => "A",
        JobJournal.JobEnded => "E",
        JobJournal.StageRescaled => "W",
        JobJournal.TaskRetired => "T",
        JobJournal.CheckpointCompleted => "C",
        _ => throw new ArgumentException($"{nameof(JobTableSerializer)} cannot serialize {o.GetType()}."),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            w.Write(obj is JobJournal.CheckpointCompleted ? Version3 : Version2);
            switch (obj)
            {
                case JobJournal.JobAccepted a:
                    w.Write(a.JobId);
                    w.Write(a.CommandLine);
                    w.Write(a.SourceBlockBytes);
                    WriteTables(w, a.KeyGroupTables);
                    WriteOptional(w, a.IdempotencyKey);
                    break;
                case JobJournal.JobEnded e:
                    w.Write(e.JobId);
                    w.Write(e.Status);
                    WriteOptional(w, e.Reason);
                    w.Write(e.TuplesIn);
                    w.Write(e.TuplesOut);
                    break;
                case JobJournal.StageRescaled s:
                    w.Write(s.JobId);
                    w.Write(s.Stage);
                    w.Write(s.Width);
                    WriteInts(w, s.Table);
                    WriteInts(w, s.Generations);
                    w.Write(s.Epoch);
                    WriteInts(w, s.Leaving);
                    break;
                case JobJournal.TaskRetired t:
                    w.Write(t.JobId);
                    w.Write(t.Stage);
                    w.Write(t.Index);
                    w.Write(t.Generation);
                    break;
                case JobJournal.CheckpointCompleted c:
                    w.Write(c.JobId);
                    w.Write(c.Id);
                    w.Write(c.Manifest);
                    break;
                default:
                    throw new ArgumentException($"{nameof(JobTableSerializer)} cannot serialize {obj.GetType()}.");
            }
        }
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        var version = r.ReadByte();
        if (version is not (Version1 or Version2 or Version3))
            throw new System.Runtime.Serialization.SerializationException($"leader job table record of version {version}: this node reads up to version {Version3} (written by a newer RainStorm?)");
        return manifest switch
        {
            "A" => new JobJournal.JobAccepted(r.ReadString(), r.ReadString(), r.ReadInt32(), ReadTables(r), ReadOptional(r)),
            "E" => new JobJournal.JobEnded(r.ReadString(), r.ReadString(), ReadOptional(r), r.ReadInt64(), r.ReadInt64()),
            "W" when version == Version1 => new JobJournal.StageRescaled(r.ReadString(), r.ReadInt32(), r.ReadInt32()),
            "W" => new JobJournal.StageRescaled(r.ReadString(), r.ReadInt32(), r.ReadInt32(), ReadInts(r), ReadInts(r), r.ReadInt32(), ReadInts(r)),
            "T" => new JobJournal.TaskRetired(r.ReadString(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32()),
            "C" => new JobJournal.CheckpointCompleted(r.ReadString(), r.ReadInt64(), r.ReadString()),
            _ => throw new System.Runtime.Serialization.SerializationException($"unknown leader job table record '{manifest}'"),
        };
    }

    private static void WriteOptional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null) w.Write(value);
    }

    private static string? ReadOptional(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static void WriteTables(BinaryWriter w, int[]?[]? tables)
    {
        w.Write(tables?.Length ?? -1);
        foreach (var table in tables ?? []) WriteInts(w, table);
    }

    private static int[]?[]? ReadTables(BinaryReader r)
    {
        var count = r.ReadInt32();
        if (count < 0) return null;
        var tables = new int[]?[count];
        for (var i = 0; i < count; i++) tables[i] = ReadInts(r);
        return tables;
    }

    /// <summary>Length (-1 = null), then the values.</summary>
    private static void WriteInts(BinaryWriter w, int[]? values)
    {
        w.Write(values?.Length ?? -1);
        foreach (var value in values ?? []) w.Write(value);
    }

    private static int[]? ReadInts(BinaryReader r)
    {
        var length = r.ReadInt32();
        if (length < 0) return null;
        var values = new int[length];
        for (var i = 0; i < length; i++) values[i] = r.ReadInt32();
        return values;
    }
}
