using Akka.Actor;
using Akka.Persistence;
using Akka.Serialization;

namespace RainStorm.Actors.Persistence;

/// <summary>The two kinds of journal records: an AtomicWrite's events, and a deletion marker.</summary>
/// <remarks>Layout version 2 starts with <see cref="Version2"/>, then the kind. Version 1 (journals written before
/// the version byte) started with the kind itself (1 or 2), so the first byte tells the two apart and both read.</remarks>
internal static class JournalRecord
{
    private const byte WriteKind = 1, DeleteKind = 2;
    public const byte Version2 = 0xB2;

    /// <remarks>Payloads are serialized inside <see cref="Serialization.WithTransport{T}(ActorSystem, Func{T})"/>, so an actor
    /// ref in a payload is written with this node's address and resolves to the same actor on any node.</remarks>
    public static byte[] Write(Akka.Serialization.Serialization serialization, IReadOnlyList<IPersistentRepresentation> events) =>
        Serialization.WithTransport(serialization.System, () => WriteRecord(serialization, events));

    private static byte[] WriteRecord(Akka.Serialization.Serialization serialization, IReadOnlyList<IPersistentRepresentation> events)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(Version2);
        writer.Write(WriteKind);
        writer.Write(events.Count);
        foreach (var e in events)
        {
            var serializer = serialization.FindSerializerFor(e.Payload);
            writer.Write(e.SequenceNr);
            writer.Write(e.Manifest ?? "");
            writer.Write(e.WriterGuid ?? "");
            writer.Write(e.Timestamp);
            writer.Write(serializer.Identifier);
            writer.Write(Serialization.ManifestFor(serializer, e.Payload));
            var bytes = serializer.ToBinary(e.Payload);
            writer.Write(bytes.Length);
            writer.Write(bytes);
        }
        writer.Flush();
        return stream.ToArray();
    }

    public static byte[] Delete(long toSequenceNr)
    {
        var payload = new byte[10];
        payload[0] = Version2;
        payload[1] = DeleteKind;
        BitConverter.TryWriteBytes(payload.AsSpan(2), toSequenceNr);
        return payload;
    }

    /// <summary>Reads one record: its events (or none) and the deletion bound it sets (or 0).</summary>
    public static (List<IPersistentRepresentation> Events, long DeletedTo) Read(byte[] payload, string persistenceId,
        Akka.Serialization.Serialization serialization, bool deserialize)
    {
        var events = new List<IPersistentRepresentation>();
        using var reader = new BinaryReader(new MemoryStream(payload));
        var kind = KindOf(reader);
        if (kind == DeleteKind) return (events, reader.ReadInt64());
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var seq = reader.ReadInt64();
            var manifest = reader.ReadString();
            var writerGuid = reader.ReadString();
            var timestamp = reader.ReadInt64();
            var serializerId = reader.ReadInt32();
            var serializerManifest = reader.ReadString();
            var bytes = reader.ReadBytes(reader.ReadInt32());
            var body = deserialize
                ? Serialization.WithTransport(serialization.System, () => serialization.Deserialize(bytes, serializerId, serializerManifest))
                : null!;
            events.Add(new Persistent(body, seq, persistenceId, manifest, false, ActorRefs.NoSender, writerGuid, timestamp));
        }
        return (events, 0);
    }

    /// <summary>The record's kind, past the version byte of version 2 (version 1 had none).</summary>
    internal static byte KindOf(BinaryReader reader)
    {
        var first = reader.ReadByte();
        if (first is WriteKind or DeleteKind) return first;
        if (first != Version2) throw new InvalidDataException($"persistence record of unknown layout version 0x{first:X2}");
        return reader.ReadByte();
    }
}
