using Akka.Actor;
using RainStorm.Actors.HyDfs;
using static RainStorm.Actors.HyDfs.Protocol.HyDfsProtocol;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// Reads a HyDFS file for a source task, one chunk at a time. When this node holds a complete replica (as long as
/// the primary's copy), chunks come from the local disk through this node's hydfs actor (HyDFS's replica-read
/// protocol, as getfromreplica uses it); otherwise from the primary through <see cref="HyDfsClient.ReadAsync"/>.
/// Local reads matter: every node of a small cluster holds a replica, and a remote read is ~10x slower.
/// </summary>
public sealed class SourceReader : IAsyncDisposable
{
    private const int ChunkBytes = 1 << 20;
    private static readonly TimeSpan LocalTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CatchUpWait = TimeSpan.FromSeconds(10);

    private readonly ActorSelection _localStore;
    private readonly string _name;
    private readonly IAsyncEnumerator<ReadOnlyMemory<byte>>? _remote;
    private long _offset;
    private readonly long _length;

    private SourceReader(ActorSelection localStore, string name, long length, IAsyncEnumerator<ReadOnlyMemory<byte>>? remote)
    {
        _localStore = localStore;
        _name = name;
        _length = length;
        _remote = remote;
    }

    public bool IsLocal => _remote is null;

    public static async Task<SourceReader> OpenAsync(ActorSystem system, HyDfsClient client, string name, CancellationToken ct)
    {
        var length = await client.GetLengthAsync(name, ct);
        var localStore = system.ActorSelection("/user/hydfs");
        // A replica still catching up (a file uploaded a moment ago) is worth a short wait: it is ~10x faster.
        var catchUpUntil = DateTime.UtcNow + CatchUpWait;
        try
        {
            while (true)
            {
                var probe = await localStore.Ask<object>(new ReadLocal(name, 0, 1), LocalTimeout, ct);
                if (probe is not ReadResult result) break;
                if (result.Length >= length) return new SourceReader(localStore, name, length, null);
                if (DateTime.UtcNow >= catchUpUntil) break;
                await Task.Delay(200, ct);
            }
        }
        catch (Exception e) when (e is AskTimeoutException or ActorNotFoundException)
        {
            // No hydfs role on this node, or it is busy: read from the primary.
        }
        return new SourceReader(localStore, name, length, client.ReadAsync(name, 0, ct).GetAsyncEnumerator(ct));
    }

    /// <summary>The next chunk, or null at the end of the file.</summary>
    public async Task<ReadOnlyMemory<byte>?> NextAsync(CancellationToken ct)
    {
        if (_remote is not null) return await _remote.MoveNextAsync() ? _remote.Current : null;
        if (_offset >= _length) return null;
        var reply = await _localStore.Ask<object>(new ReadLocal(_name, _offset, (int)Math.Min(ChunkBytes, _length - _offset)), LocalTimeout, ct);
        switch (reply)
        {
            case ReadResult { Data.Length: > 0 } result:
                _offset += result.Data.Length;
                return result.Data;
            case Failed failed:
                throw new HyDfsException(failed.Message);
            default:
                throw new HyDfsException($"the local replica of '{_name}' ended at {_offset} of {_length} bytes");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_remote is not null) await _remote.DisposeAsync();
    }
}
