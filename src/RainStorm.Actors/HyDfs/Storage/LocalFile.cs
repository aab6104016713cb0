using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace RainStorm.Actors.HyDfs.Storage;

/// <summary>
/// One HyDFS file on this node's disk: the raw bytes in <c>key.dat</c>, the metadata in <c>key.meta</c>.
/// Data is written (and flushed to disk) before the metadata record that commits it, so after a crash the
/// data file is cut back to the last committed length. Every block's checksum is kept beside them
/// (<see cref="StoredChecksums"/>), so reads find bytes that changed on disk. Owned by exactly one actor, so not thread-safe.
/// </summary>
internal sealed class LocalFile : IDisposable
{
    private readonly SafeFileHandle _data;
    private readonly MetaLog _meta;
    private readonly StoredChecksums _checksums;
    private readonly bool _fsync;
    private readonly Dictionary<string, long> _dedup;

    private LocalFile(string name, string dataPath, string metaPath, SafeFileHandle data, MetaLog meta, StoredChecksums checksums,
        long length, Dictionary<string, long> dedup, bool fsync)
    {
        _checksums = checksums;
        Name = name;
        DataPath = dataPath;
        MetaPath = metaPath;
        _data = data;
        _meta = meta;
        Length = length;
        _dedup = dedup;
        _fsync = fsync;
    }

    public string Name { get; }
    public string DataPath { get; }
    public string MetaPath { get; }
    public long Length { get; private set; }
    public IReadOnlyDictionary<string, long> Dedup => _dedup;

    public static LocalFile Create(string directory, string name, bool fsync)
    {
        var key = FileNames.DiskKey(name);
        var dataPath = Path.Combine(directory, key + ".dat");
        var metaPath = Path.Combine(directory, key + ".meta");
        var data = File.OpenHandle(dataPath, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        var meta = MetaLog.Create(metaPath, name, fsync);
        return new LocalFile(name, dataPath, metaPath, data, meta, StoredChecksums.Create(dataPath), 0,
            new Dictionary<string, long>(StringComparer.Ordinal), fsync);
    }

    /// <summary>Opens a stored file; null (and the leftovers deleted) when its creation never completed.</summary>
    public static LocalFile? Open(string metaPath, bool fsync)
    {
        var dataPath = Path.ChangeExtension(metaPath, ".dat");
        var loaded = MetaLog.Open(metaPath);
        if (loaded is null || !File.Exists(dataPath))
        {
            loaded?.Log.Dispose();
            File.Delete(metaPath);
            File.Delete(dataPath);
            File.Delete(StoredChecksums.PathOf(dataPath));
            return null;
        }
        var (meta, name, committed, dedup) = loaded.Value;
        var data = File.OpenHandle(dataPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        var actual = RandomAccess.GetLength(data);
        if (actual > committed) RandomAccess.SetLength(data, committed);
        // A data file shorter than its commit record cannot happen with fsync on; without fsync trust the data.
        var length = Math.Min(actual, committed);
        return new LocalFile(name, dataPath, metaPath, data, meta, StoredChecksums.Open(dataPath, data, length), length, dedup, fsync);
    }

    public long HighestSeq(string clientId) => _dedup.TryGetValue(clientId, out var seq) ? seq : long.MinValue;

    /// <summary>
    /// Appends <paramref name="parts"/> as one write and one commit record. <paramref name="beforeSync"/> runs after
    /// the write and before the flush to disk, so a primary's replicas can write the batch while it flushes.
    /// </summary>
    /// <exception cref="IOException">The disk refused the write (e.g. it is full). Nothing of the batch is applied: the
    /// data file is cut back to the committed length and the dedup table is unchanged, so a retry applies it once.</exception>
    public void Append(IReadOnlyList<ReadOnlyMemory<byte>> parts, IReadOnlyCollection<KeyValuePair<string, long>> entries, Action? beforeSync = null)
    {
        var offset = Length;
        try
        {
            if (parts.Count == 1) RandomAccess.Write(_data, parts[0].Span, offset);
            else RandomAccess.Write(_data, parts, offset);
            foreach (var part in parts) offset += part.Length;
            beforeSync?.Invoke();
            if (_fsync) RandomAccess.FlushToDisk(_data);
            _meta.Commit(offset, entries, _fsync);
        }
        catch (IOException)
        {
            CutBack(_data, Length);
            throw;
        }
        foreach (var (client, seq) in entries)
            if (!_dedup.TryGetValue(client, out var old) || old < seq) _dedup[client] = seq;
        Length = offset;
        _checksums.Appended(parts);
        if (_meta.WantsCompaction) _meta.Reset(Name, Length, _dedup, _fsync);
    }

    public void Append(ReadOnlyMemory<byte> data, IReadOnlyCollection<KeyValuePair<string, long>> entries) =>
        Append([data], entries);

    /// <summary>Takes over a peer's dedup table after copying its bytes (replacing ours, or merged with it).</summary>
    public void AdoptDedup(IReadOnlyCollection<KeyValuePair<string, long>> peer, bool replace)
    {
        if (replace) _dedup.Clear();
        foreach (var (client, seq) in peer)
            if (!_dedup.TryGetValue(client, out var old) || old < seq) _dedup[client] = seq;
        _meta.Reset(Name, Length, _dedup, _fsync);
    }

    public void TruncateTo(long length)
    {
        if (length >= Length) return;
        RandomAccess.SetLength(_data, length);
        if (_fsync) RandomAccess.FlushToDisk(_data);
        Length = length;
        _checksums.TruncatedTo(_data, length);
        _meta.Reset(Name, Length, _dedup, _fsync);
    }

    public byte[] Read(long offset, int max)
    {
        if (offset >= Length || offset < 0) return [];
        // Not zeroed: every byte is read from the file (a short read is cut off below); a chunk is up to 1 MiB.
        var buffer = GC.AllocateUninitializedArray<byte>((int)Math.Min(max, Length - offset));
        var read = 0;
        while (read < buffer.Length)
        {
            var n = RandomAccess.Read(_data, buffer.AsSpan(read), offset + read);
            if (n == 0) break;
            read += n;
        }
        return read == buffer.Length ? buffer : buffer[..read];
    }

    /// <summary>The bytes at <paramref name="offset"/> (at most <paramref name="max"/>), after checking every block they
    /// touch against its checksum. <c>Corrupt</c>: the start of the first block whose bytes changed on disk (the data is
    /// then not to be served), or null.</summary>
    public (byte[] Data, long? Corrupt) ReadChecked(long offset, int max)
    {
        if (offset >= Length || offset < 0) return ([], null);
        var end = Math.Min(Length, offset + max);
        var first = offset / StoredChecksums.BlockSize;
        var last = (end - 1) / StoredChecksums.BlockSize;
        var blocks = Read(first * StoredChecksums.BlockSize, (int)Math.Min(Length - first * StoredChecksums.BlockSize, (last - first + 1) * StoredChecksums.BlockSize));
        for (var i = first; i <= last; i++)
        {
            var at = (int)((i - first) * StoredChecksums.BlockSize);
            if (!_checksums.Matches(i, blocks.AsSpan(at, Math.Min(_checksums.BlockLength(i), blocks.Length - at))))
                return ([], i * StoredChecksums.BlockSize);
        }
        var from = (int)(offset - first * StoredChecksums.BlockSize);
        // A read at a block boundary (every chunk of a sequential read) is served without a second copy.
        if (from == 0 && blocks.Length == end - offset) return (blocks, null);
        return (blocks.AsSpan(from, (int)(end - offset)).ToArray(), null);
    }

    /// <summary>The starts of the blocks whose bytes on disk no longer match their checksums.</summary>
    public IReadOnlyList<long> CorruptBlocks()
    {
        var corrupt = new List<long>();
        for (long start = 0; start < Length; start += StoredChecksums.BlockSize)
            if (ReadChecked(start, StoredChecksums.BlockSize).Corrupt is { } at) corrupt.Add(at);
        return corrupt;
    }

    /// <summary>Puts back the block at <paramref name="start"/> from another copy's <paramref name="bytes"/>, if they are
    /// what the block held when it was written (its checksum); false otherwise (that copy differs too).</summary>
    public bool RepairBlock(long start, byte[] bytes)
    {
        var index = start / StoredChecksums.BlockSize;
        if (start % StoredChecksums.BlockSize != 0 || start >= Length || !_checksums.Matches(index, bytes)) return false;
        RandomAccess.Write(_data, bytes, start);
        if (_fsync) RandomAccess.FlushToDisk(_data);
        _checksums.Rewrote(index, bytes);
        return true;
    }

    /// <summary>CRC-32 of each <paramref name="blockSize"/> block of the first <paramref name="upTo"/> bytes.</summary>
    public uint[] BlockChecksums(long upTo, int blockSize)
    {
        upTo = Math.Min(upTo, Length);
        var result = new uint[(int)((upTo + blockSize - 1) / blockSize)];
        for (var i = 0; i < result.Length; i++)
        {
            var start = (long)i * blockSize;
            result[i] = Crc32.HashToUInt32(Read(start, (int)Math.Min(blockSize, upTo - start)));
        }
        return result;
    }

    /// <summary>Drops what a failed write left past <paramref name="length"/> (best effort: the disk may refuse that too,
    /// and a reopen cuts back to the committed length anyway).</summary>
    internal static void CutBack(SafeFileHandle handle, long length)
    {
        try
        {
            if (RandomAccess.GetLength(handle) > length) RandomAccess.SetLength(handle, length);
        }
        catch (IOException)
        {
        }
    }

    public void Delete()
    {
        Dispose();
        File.Delete(DataPath);
        File.Delete(MetaPath);
        File.Delete(StoredChecksums.PathOf(DataPath));
    }

    public void Dispose()
    {
        _data.Dispose();
        _meta.Dispose();
        _checksums.Dispose();
    }
}
