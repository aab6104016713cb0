using Akka.Actor;
using RainStorm.Actors.HyDfs;
using static RainStorm.Actors.HyDfs.Protocol.HyDfsProtocol;

namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>
/// Reads a HyDFS file for a source task, one chunk at a time, up to the length it had when opened. When this node
/// holds a complete replica (as long as the primary's copy), chunks come from the local disk through this node's
/// hydfs actor (HyDFS's replica-read protocol, as getfromreplica uses it); otherwise from the primary through
/// <see cref="HyDfsClient.ReadChunkAsync"/>. Local reads matter: every node of a small cluster holds a replica, and a
/// remote read is ~10x slower. A chunk that does not arrive within <see cref="ChunkTimeout"/> is an error (the task
/// fails and is restarted or fails its job), never a silent stall.
/// </summary>
public sealed class SourceReader
{
    private const int ChunkBytes = 1 << 20;
    private static readonly TimeSpan LocalTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CatchUpWait = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan ChunkTimeout = TimeSpan.FromSeconds(45);

    private readonly ActorSelection _localStore;
    private readonly HyDfsClient _client;
    private readonly string _name;
    private readonly long _length;
    private long _offset;

    private SourceReader(ActorSelection localStore, HyDfsClient client, string name, long length, bool isLocal)
    {
        _localStore = localStore;
        _client = client;
        _name = name;
        _length = length;
        IsLocal = isLocal;
    }

    /// <summary>Reading this node's replica; false from the primary (also once the local copy moved away).</summary>
    public bool IsLocal { get; private set; }

    /// <summary>To the task that opens the reader: it is open.</summary>
    public sealed record Opened(SourceReader Reader);
    /// <summary>To the task reading: the next chunk, or null at the end of the file.</summary>
    public sealed record ChunkRead(ReadOnlyMemory<byte>? Chunk);
    public sealed record ReadFailed(Exception Error);

    /// <summary>Opens <paramref name="name"/> and tells <paramref name="task"/> <see cref="Opened"/> or <see cref="ReadFailed"/>.</summary>
    public static void OpenFor(IActorRef task, ActorSystem system, HyDfsClient client, string name, CancellationToken ct) =>
        OpenAsync(system, client, name, ct).PipeTo(task, success: reader => new Opened(reader), failure: e => new ReadFailed(Unwrap(e)));

    /// <summary>Reads the next chunk and tells <paramref name="task"/> <see cref="ChunkRead"/> or <see cref="ReadFailed"/>.</summary>
    public void ReadNextFor(IActorRef task, CancellationToken ct) =>
        NextAsync(ct).PipeTo(task, success: chunk => new ChunkRead(chunk), failure: e => new ReadFailed(Unwrap(e)));

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerException: { } inner } ? inner : e;

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
                if (result.Length >= length) return new SourceReader(localStore, client, name, length, isLocal: true);
                if (DateTime.UtcNow >= catchUpUntil) break;
                await Task.Delay(200, ct);
            }
        }
        catch (Exception e) when (e is AskTimeoutException or ActorNotFoundException)
        {
            // No hydfs role on this node, or it is busy: read from the primary.
        }
        return new SourceReader(localStore, client, name, length, isLocal: false);
    }

    /// <summary>The next chunk, or null at the end of the file.</summary>
    public async Task<ReadOnlyMemory<byte>?> NextAsync(CancellationToken ct)
    {
        if (_offset >= _length) return null;
        ReadOnlyMemory<byte> data;
        try
        {
            data = await ReadAsync(ct).WaitAsync(ChunkTimeout, ct);
        }
        catch (TimeoutException)
        {
            throw new HyDfsException($"no chunk of '{_name}' at offset {_offset} arrived within {ChunkTimeout.TotalSeconds:0} s");
        }
        if (data.Length == 0)
            throw new HyDfsException($"the {(IsLocal ? "local replica" : "primary's copy")} of '{_name}' ended at {_offset} of {_length} bytes");
        data = data[..(int)Math.Min(data.Length, _length - _offset)];
        _offset += data.Length;
        return data;
    }

    private async Task<ReadOnlyMemory<byte>> ReadAsync(CancellationToken ct)
    {
        if (!IsLocal) return (await _client.ReadChunkAsync(_name, _offset, ct)).Data;
        var reply = await _localStore.Ask<object>(new ReadLocal(_name, _offset, (int)Math.Min(ChunkBytes, _length - _offset)), LocalTimeout, ct);
        switch (reply)
        {
            case ReadResult result:
                return result.Data;
            case Failed:
                // The ring changed (a node joined) and this node's copy moved to the file's new owners: the rest
                // comes from the primary.
                IsLocal = false;
                return (await _client.ReadChunkAsync(_name, _offset, ct)).Data;
            default:
                throw new HyDfsException($"unexpected answer {reply.GetType().Name} reading the local replica of '{_name}'");
        }
    }
}
