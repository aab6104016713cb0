using System.Text;

namespace RainStorm.Operators.BuiltIn;

/// <summary>
/// The binary form of a set of absolute counts, used both for a key group's snapshot and for a delta. Counts are
/// absolute (not increments), so applying the same delta twice during recovery changes nothing.
/// Layout: version byte, entry count, then per entry a length-prefixed UTF-8 key and a 7-bit encoded count.
/// </summary>
internal static class CountStateCodec
{
    private const byte Version = 1;

    public static byte[] Write(IReadOnlyCollection<KeyValuePair<string, long>> entries)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write7BitEncodedInt(entries.Count);
            foreach (var (key, count) in entries)
            {
                writer.Write(key);
                writer.Write7BitEncodedInt64(count);
            }
        }
        return stream.ToArray();
    }

    public static List<KeyValuePair<string, long>> Read(byte[] blob)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(blob), Encoding.UTF8);
            var version = reader.ReadByte();
            if (version != Version)
                throw new OperatorException($"AggregateByKey state has format version {version}; expected version {Version}.");
            var count = reader.Read7BitEncodedInt();
            var entries = new List<KeyValuePair<string, long>>(Math.Min(count, blob.Length));
            for (var i = 0; i < count; i++)
                entries.Add(new(reader.ReadString(), reader.Read7BitEncodedInt64()));
            return entries;
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or IOException)
        {
            throw new OperatorException($"AggregateByKey state of {blob.Length} bytes is truncated or corrupt; expected the output of Snapshot or TakeDelta.");
        }
    }
}
