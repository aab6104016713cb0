using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace RainStorm.Actors.HyDfs.Storage;

/// <summary>
/// CRC-32 of every <see cref="BlockSize"/> block of a data file (the last one partial), computed from the bytes as they
/// are appended (never read back from disk), kept in <c>key.crc</c>: per block its checksum and how many bytes it
/// covered. A read compares the blocks it touches with these, so bytes that changed on disk behind HyDFS's back (bit
/// rot, a bad sector) are found on any copy, the primary's included.
/// </summary>
/// <remarks>The checksum file is written after each commit without its own flush: after a crash a slot that does not
/// cover what the data file holds is recomputed from the data (which the metadata log already vouched for).</remarks>
internal sealed class StoredChecksums : IDisposable
{
    public const int BlockSize = 64 * 1024;
    private const int SlotBytes = 8;

    private readonly SafeFileHandle _handle;
    private readonly List<uint> _crcs = [];
    private readonly Crc32 _tail = new();
    private long _length;

    private StoredChecksums(SafeFileHandle handle) => _handle = handle;

    public static string PathOf(string dataPath) => Path.ChangeExtension(dataPath, ".crc");

    public static StoredChecksums Create(string dataPath) =>
        new(File.OpenHandle(PathOf(dataPath), FileMode.Create, FileAccess.ReadWrite, FileShare.Read));

    /// <summary>Loads the checksums of a data file of <paramref name="length"/> bytes, recomputing any slot that does not
    /// cover its block as the file holds it (an older store without checksums, or a crash before the slot was written).</summary>
    public static StoredChecksums Open(string dataPath, SafeFileHandle data, long length)
    {
        var sums = new StoredChecksums(File.OpenHandle(PathOf(dataPath), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read));
        var stored = new byte[(int)Math.Min(RandomAccess.GetLength(sums._handle), Blocks(length) * SlotBytes)];
        RandomAccess.Read(sums._handle, stored, 0);
        for (long i = 0; i < Blocks(length); i++)
        {
            var start = i * BlockSize;
            var size = (int)Math.Min(BlockSize, length - start);
            var slot = (i + 1) * SlotBytes <= stored.Length ? stored.AsSpan((int)(i * SlotBytes), SlotBytes) : [];
            var valid = slot.Length == SlotBytes && BinaryPrimitives.ReadInt32LittleEndian(slot[4..]) == size;
            var bytes = valid && size == BlockSize ? null : ReadBlock(data, start, size);
            if (bytes is not null && size < BlockSize) sums._tail.Append(bytes);
            sums._crcs.Add(valid ? BinaryPrimitives.ReadUInt32LittleEndian(slot) : Crc32.HashToUInt32(bytes!));
        }
        sums._length = length;
        RandomAccess.SetLength(sums._handle, Blocks(length) * SlotBytes);
        sums.WriteSlots(0);
        return sums;
    }

    /// <summary>Takes in bytes just committed at the end of the file.</summary>
    public void Appended(IReadOnlyList<ReadOnlyMemory<byte>> parts)
    {
        var firstChanged = _length / BlockSize;
        foreach (var part in parts)
        {
            var span = part.Span;
            while (span.Length > 0)
            {
                var take = (int)Math.Min(span.Length, BlockSize - _length % BlockSize);
                _tail.Append(span[..take]);
                span = span[take..];
                SetSlot(_length / BlockSize, _tail.GetCurrentHashAsUInt32());
                _length += take;
                if (_length % BlockSize == 0) _tail.Reset();
            }
        }
        WriteSlots(firstChanged);
    }

    /// <summary>The file was cut back to <paramref name="length"/>; the new last block's bytes are read from
    /// <paramref name="data"/>.</summary>
    public void TruncatedTo(SafeFileHandle data, long length)
    {
        _crcs.RemoveRange((int)Blocks(length), _crcs.Count - (int)Blocks(length));
        _length = length;
        _tail.Reset();
        if (length % BlockSize != 0)
        {
            var start = length / BlockSize * BlockSize;
            _tail.Append(ReadBlock(data, start, (int)(length - start)));
            _crcs[^1] = _tail.GetCurrentHashAsUInt32();
        }
        RandomAccess.SetLength(_handle, _crcs.Count * (long)SlotBytes);
        WriteSlots(Math.Max(0, _crcs.Count - 1));
    }

    /// <summary>True when <paramref name="bytes"/> are what block <paramref name="index"/> held when it was written.</summary>
    public bool Matches(long index, ReadOnlySpan<byte> bytes) =>
        index < _crcs.Count && bytes.Length == BlockLength(index) && Crc32.HashToUInt32(bytes) == _crcs[(int)index];

    /// <summary>A repaired last block: later appends continue its checksum from these bytes.</summary>
    public void Rewrote(long index, ReadOnlySpan<byte> bytes)
    {
        if (index != _crcs.Count - 1 || _length % BlockSize == 0) return;
        _tail.Reset();
        _tail.Append(bytes);
    }

    public int BlockLength(long index) => (int)Math.Min(BlockSize, _length - index * BlockSize);

    private static long Blocks(long length) => (length + BlockSize - 1) / BlockSize;

    private static byte[] ReadBlock(SafeFileHandle data, long start, int size)
    {
        var bytes = new byte[size];
        var read = 0;
        while (read < size)
        {
            var n = RandomAccess.Read(data, bytes.AsSpan(read), start + read);
            if (n == 0) break;
            read += n;
        }
        return bytes;
    }

    private void SetSlot(long index, uint crc)
    {
        if (index == _crcs.Count) _crcs.Add(crc);
        else _crcs[(int)index] = crc;
    }

    private void WriteSlots(long from)
    {
        if (from >= _crcs.Count) return;
        var slots = new byte[(_crcs.Count - from) * SlotBytes];
        for (var i = from; i < _crcs.Count; i++)
        {
            var slot = slots.AsSpan((int)((i - from) * SlotBytes));
            BinaryPrimitives.WriteUInt32LittleEndian(slot, _crcs[(int)i]);
            BinaryPrimitives.WriteInt32LittleEndian(slot[4..], BlockLength(i));
        }
        try
        {
            RandomAccess.Write(_handle, slots, from * SlotBytes);
        }
        catch (IOException)
        {
            // The data is committed; a slot missing on disk is recomputed when the file is opened again.
        }
    }

    public void Dispose()
    {
        _handle.Dispose();
        _tail.Reset();
    }
}
