using System.Collections.Concurrent;

namespace RainStorm.Actors.HyDfs.Storage;

/// <summary>The files on this node and their lengths, kept current by the file actors; read by liststore.</summary>
internal sealed class StoreIndex
{
    private readonly ConcurrentDictionary<string, long> _files = new(StringComparer.Ordinal);

    public void Set(string name, long length) => _files[name] = length;
    public void Remove(string name) => _files.TryRemove(name, out _);

    public IReadOnlyList<StoredFile> Snapshot() =>
        _files.Select(f => new StoredFile(f.Key, Ring.HashRing.FileId(f.Key), f.Value))
            .OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
}
