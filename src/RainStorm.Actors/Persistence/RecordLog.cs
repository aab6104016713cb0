using System.Buffers.Binary;
using System.IO.Hashing;
using RainStorm.Actors.HyDfs;

namespace RainStorm.Actors.Persistence;

/// <summary>
/// Framing of the journal and snapshot files on HyDFS: every record is [magic][length][crc32][payload], written as
/// one HyDFS append. A frame that is incomplete or fails its checksum is skipped: a torn tail is ignored, and so is
/// a torn record in the middle (a snapshot larger than one atomic append whose writer died half-way), because the
/// reader resynchronises on the next magic number whose frame checks out, so records written after it stay visible.
/// </summary>
internal static class RecordLog
{
    public const int MaxRecordBytes = 64 * 1024 * 1024;
    private const uint Magic = 0x52534C47; // "RSLG"
    private const int HeaderBytes = 12;

    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var framed = new byte[payload.Length + HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(framed, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(framed.AsSpan(4), payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(framed.AsSpan(8), Crc32.HashToUInt32(payload));
        payload.CopyTo(framed.AsSpan(HeaderBytes));
        return framed;
    }

    /// <summary>The payloads of <paramref name="name"/> in order; none when the file does not exist.</summary>
    public static async IAsyncEnumerable<byte[]> ReadAsync(HyDfsClient client, string name)
    {
        if (!await client.ExistsAsync(name)) yield break;
        var reader = new Reader();
        await foreach (var chunk in client.ReadAsync(name))
            foreach (var payload in reader.Feed(chunk.Span))
                yield return payload;
        foreach (var payload in reader.Finish()) yield return payload;
    }

    /// <summary>Turns a file's bytes, fed in pieces of any size, into its records' payloads.</summary>
    internal sealed class Reader
    {
        private readonly MemoryStream _pending = new();

        public List<byte[]> Feed(ReadOnlySpan<byte> bytes)
        {
            _pending.Write(bytes);
            return Take(final: false);
        }

        public List<byte[]> Finish() => Take(final: true);

        private List<byte[]> Take(bool final)
        {
            var found = new List<byte[]>();
            var length = (int)_pending.Length;
            var consumed = Parse(_pending.GetBuffer().AsSpan(0, length), final, found);
            var rest = _pending.GetBuffer().AsSpan(consumed, length - consumed).ToArray();
            _pending.SetLength(0);
            _pending.Write(rest);
            return found;
        }
    }

    /// <summary>
    /// Adds the complete, valid frames of <paramref name="data"/> to <paramref name="found"/> and returns how many bytes
    /// are done with. Not final: an incomplete frame at the end waits for more data. Final: it is torn, and skipped.
    /// </summary>
    private static int Parse(ReadOnlySpan<byte> data, bool final, List<byte[]> found)
    {
        var at = 0;
        while (true)
        {
            if (data.Length - at < HeaderBytes) return final ? data.Length : at;
            if (BinaryPrimitives.ReadUInt32LittleEndian(data[at..]) != Magic)
            {
                var next = NextMagic(data, at + 1);
                if (next < 0) return final ? data.Length : Math.Max(at, data.Length - 3); // a magic may straddle chunks
                at = next;
                continue;
            }
            var size = BinaryPrimitives.ReadInt32LittleEndian(data[(at + 4)..]);
            if (size < 0 || size > MaxRecordBytes)
            {
                at++;
                continue;
            }
            if (data.Length - at - HeaderBytes < size)
            {
                if (!final) return at;
                at++; // torn: what follows may still hold whole records
                continue;
            }
            var payload = data.Slice(at + HeaderBytes, size);
            if (Crc32.HashToUInt32(payload) != BinaryPrimitives.ReadUInt32LittleEndian(data[(at + 8)..]))
            {
                at++;
                continue;
            }
            found.Add(payload.ToArray());
            at += HeaderBytes + size;
        }
    }

    private static int NextMagic(ReadOnlySpan<byte> data, int from)
    {
        Span<byte> magic = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(magic, Magic);
        var index = data[from..].IndexOf(magic);
        return index < 0 ? -1 : from + index;
    }

    /// <summary>Creates the file if it is missing (a concurrent create by someone else is fine).</summary>
    public static async Task EnsureExistsAsync(HyDfsClient client, string name)
    {
        if (await client.ExistsAsync(name)) return;
        try
        {
            await client.CreateAsync(name, ReadOnlyMemory<byte>.Empty);
        }
        catch (HyDfsException)
        {
            if (!await client.ExistsAsync(name)) throw;
        }
    }

    /// <summary>A HyDFS file name for a persistence id: escaped, and shortened with a hash when very long.</summary>
    public static string FileName(string kind, string persistenceId)
    {
        var escaped = Uri.EscapeDataString(persistenceId);
        if (escaped.Length > 180)
            escaped = escaped[..120] + "~" + HyDfs.Ring.StableHash.Of(persistenceId).ToString("x16");
        return $"_rainstorm/{kind}/{escaped}";
    }
}
