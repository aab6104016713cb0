using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace RainStorm.Actors.Wire;

/// <summary>
/// The serializer of one protocol: every message starts with the protocol's layout version byte, then the fields its
/// <see cref="Codec"/> writes. A reader understands every version up to its own (a new field gets a new version and
/// the codec reads the old one without it); a message of a newer version is refused with one sentence.
/// </summary>
public abstract class ProtocolSerializer(ExtendedActorSystem system, string protocol, byte version, IReadOnlyList<Codec> codecs)
    : SerializerWithStringManifest(system)
{
    private readonly Dictionary<Type, Codec> _byType = codecs.ToDictionary(c => c.Type);
    private readonly Dictionary<string, Codec> _byManifest = codecs.ToDictionary(c => c.Manifest);

    public override string Manifest(object o) => CodecOf(o).Manifest;

    public override byte[] ToBinary(object obj)
    {
        var codec = CodecOf(obj);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(version);
            codec.Write(new WireWriter(writer), obj);
        }
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!_byManifest.TryGetValue(manifest, out var codec))
            throw new SerializationException($"{protocol} message '{manifest}' is unknown to this node (sent by a newer RainStorm?)");
        using var reader = new BinaryReader(new MemoryStream(bytes));
        var written = reader.ReadByte();
        if (written > version)
            throw new SerializationException($"{protocol} message '{manifest}' of layout version {written}: this node reads up to version {version} (sent by a newer RainStorm?)");
        try
        {
            return codec.Read(new WireReader(reader, system, written));
        }
        catch (EndOfStreamException)
        {
            throw new SerializationException($"{protocol} message '{manifest}' is cut short ({bytes.Length} bytes)");
        }
    }

    private Codec CodecOf(object o) =>
        _byType.TryGetValue(o.GetType(), out var codec) ? codec : throw new ArgumentException($"{GetType().Name} has no codec for {o.GetType()}");
}
