using System.Buffers.Binary;
using System.IO.Hashing;
using RainStorm.Actors.HyDfs;

namespace RainStorm.Actors.Persistence;

/// <summary>
/// Framing of the journal and snapshot files on HyDFS: every record is [length][crc32][payload], written as one
/// HyDFS append. Reading stops at the first frame that is incomplete or fails its checksum (a torn tail).
/// </summary>
internal static class RecordLog
{
    public const int MaxRecordBytes = 64 * 1024 * 1024;

    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var framed = new byte[payload.Length + 8];
        BinaryPrimitives.WriteInt32LittleEndian(framed, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(framed.AsSpan(4), Crc32.HashToUInt32(payload));
        payload.CopyTo(framed.AsSpan(8));
        return framed;
    }

    /// <summary>The payloads of <paramref name="name"/> in order; none when the file does not exist.</summary>
    public static async IAsyncEnumerable<byte[]> ReadAsync(HyDfsClient client, string name)
    {
        if (!await client.ExistsAsync(name)) yield break;
        var buffer = new MemoryStream();
        await foreach (var chunk in client.ReadAsync(name))
        {
            buffer.Write(chunk.Span);
            var data = buffer.GetBuffer();
            var length = (int)buffer.Length;
            var at = 0;
            while (length - at >= 8)
            {
                var size = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(at));
                if (size < 0 || size > MaxRecordBytes) yield break;
                if (length - at - 8 < size) break;
                var payload = data.AsSpan(at + 8, size);
                if (Crc32.HashToUInt32(payload) != BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at + 4))) yield break;
                yield return payload.ToArray();
                at += 8 + size;
            }
            var rest = data.AsSpan(at, length - at).ToArray();
            buffer.SetLength(0);
            buffer.Write(rest);
        }
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
