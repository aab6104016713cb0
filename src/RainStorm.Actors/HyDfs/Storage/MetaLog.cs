using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace RainStorm.Actors.HyDfs.Storage;

/// <summary>
/// The metadata log beside a data file: the file's name, how many data bytes are committed, and per client the
/// highest append sequence number applied (for idempotent appends). Records are framed
/// [length][crc32][payload]; a torn or corrupt tail is ignored when the log is read back.
/// </summary>
/// <remarks>The header record carries the log's layout version (kind 4, then the version byte, then the name). Logs
/// written before it start with a kind-1 header (version 0) and read the same; a log of a newer version is refused.</remarks>
internal sealed class MetaLog : IDisposable
{
    private const byte LegacyHeaderKind = 1, CommitKind = 2, ResetKind = 3, HeaderKind = 4;
    public const byte Version1 = 1;

    private readonly string _path;
    private SafeFileHandle _handle;
    private long _length;
    private int _recordsSinceCompaction;

    private MetaLog(string path, SafeFileHandle handle, long length)
    {
        _path = path;
        _handle = handle;
        _length = length;
    }

    public static MetaLog Create(string path, string name, bool fsync)
    {
        var log = new MetaLog(path, File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read), 0);
        log.Write(Header(name), fsync);
        return log;
    }

    /// <summary>Reads the log back. Null when the log has no valid header (a file whose creation was torn).</summary>
    /// <exception cref="InvalidDataException">The log was written in a newer layout version (nothing is changed on disk).</exception>
    public static (MetaLog Log, string Name, long Committed, Dictionary<string, long> Dedup)? Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        string? name = null;
        long committed = 0, offset = 0;
        var dedup = new Dictionary<string, long>(StringComparer.Ordinal);
        var size = RandomAccess.GetLength(handle);
        Span<byte> frame = stackalloc byte[8];
        while (offset + 8 <= size)
        {
            if (RandomAccess.Read(handle, frame, offset) < 8) break;
            var length = BinaryPrimitives.ReadInt32LittleEndian(frame);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]);
            if (length <= 0 || offset + 8 + length > size) break;
            var payload = new byte[length];
            if (RandomAccess.Read(handle, payload, offset + 8) < length || Crc32.HashToUInt32(payload) != crc) break;
            using var reader = new BinaryReader(new MemoryStream(payload));
            switch (reader.ReadByte())
            {
                case LegacyHeaderKind: name = reader.ReadString(); break;
                case HeaderKind:
                    var version = reader.ReadByte();
                    if (version > Version1)
                    {
                        handle.Dispose();
                        throw new InvalidDataException($"HyDFS metadata log {path} has layout version {version}: this node reads up to version {Version1} (written by a newer RainStorm?)");
                    }
                    name = reader.ReadString();
                    break;
                case CommitKind: committed = ReadEntries(reader, dedup, reset: false); break;
                case ResetKind: committed = ReadEntries(reader, dedup, reset: true); break;
            }
            offset += 8 + length;
        }
        if (name is null)
        {
            handle.Dispose();
            return null;
        }
        if (offset < size) RandomAccess.SetLength(handle, offset);
        return (new MetaLog(path, handle, offset), name, committed, dedup);
    }

    public void Commit(long endOffset, IReadOnlyCollection<KeyValuePair<string, long>> entries, bool fsync) =>
        Write(Entries(CommitKind, endOffset, entries), fsync);

    /// <summary>Replaces the whole dedup table (after a transfer or a truncation), compacting the log.</summary>
    public void Reset(string name, long endOffset, IReadOnlyCollection<KeyValuePair<string, long>> all, bool fsync)
    {
        var temp = _path + ".tmp";
        using (var fresh = File.OpenHandle(temp, FileMode.Create, FileAccess.Write))
        {
            var header = Frame(Header(name));
            var body = Frame(Entries(ResetKind, endOffset, all));
            RandomAccess.Write(fresh, header, 0);
            RandomAccess.Write(fresh, body, header.Length);
            if (fsync) RandomAccess.FlushToDisk(fresh);
        }
        _handle.Dispose();
        File.Move(temp, _path, overwrite: true);
        _handle = File.OpenHandle(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        _length = RandomAccess.GetLength(_handle);
        _recordsSinceCompaction = 0;
    }

    /// <summary>True when the log holds many incremental records: time to compact it with <see cref="Reset"/>.</summary>
    public bool WantsCompaction => _recordsSinceCompaction > 20_000 && _length > 4 * 1024 * 1024;

    /// <remarks>A write that fails (a full disk) leaves the log as it was: a torn record would otherwise sit before the
    /// next one and hide it when the log is read back.</remarks>
    private void Write(byte[] payload, bool fsync)
    {
        var framed = Frame(payload);
        try
        {
            RandomAccess.Write(_handle, framed, _length);
            if (fsync) RandomAccess.FlushToDisk(_handle);
        }
        catch (IOException)
        {
            LocalFile.CutBack(_handle, _length);
            throw;
        }
        _length += framed.Length;
        _recordsSinceCompaction++;
    }

    private static byte[] Frame(byte[] payload)
    {
        var framed = new byte[payload.Length + 8];
        BinaryPrimitives.WriteInt32LittleEndian(framed, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(framed.AsSpan(4), Crc32.HashToUInt32(payload));
        payload.CopyTo(framed, 8);
        return framed;
    }

    private static byte[] Header(string name)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(HeaderKind);
        writer.Write(Version1);
        writer.Write(name);
        writer.Flush();
        return stream.ToArray();
    }

    private static byte[] Entries(byte kind, long endOffset, IReadOnlyCollection<KeyValuePair<string, long>> entries)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(kind);
        writer.Write(endOffset);
        writer.Write(entries.Count);
        foreach (var (client, seq) in entries)
        {
            writer.Write(client);
            writer.Write(seq);
        }
        writer.Flush();
        return stream.ToArray();
    }

    private static long ReadEntries(BinaryReader reader, Dictionary<string, long> dedup, bool reset)
    {
        var endOffset = reader.ReadInt64();
        var count = reader.ReadInt32();
        if (reset) dedup.Clear();
        for (var i = 0; i < count; i++)
        {
            var client = reader.ReadString();
            var seq = reader.ReadInt64();
            if (!dedup.TryGetValue(client, out var old) || old < seq) dedup[client] = seq;
        }
        return endOffset;
    }

    public void Dispose() => _handle.Dispose();
}
