using RainStorm.Actors.HyDfs.Ring;

namespace RainStorm.Actors.HyDfs.Protocol;

/// <summary>Messages of the hydfs actors: client requests (to a file's primary) and the replica protocol between nodes.</summary>
public static class HyDfsProtocol
{
    /// <summary>A message about one file; the node actor routes it to that file's actor.</summary>
    public interface IFileMessage
    {
        string Name { get; }
    }

    /// <summary>Client requests; only the file's primary serves them (others answer <see cref="Retry"/>).</summary>
    public interface IPrimaryRequest : IFileMessage;

    public const long NoPrevious = long.MinValue;

    // ---- client -> primary ----

    /// <summary>Create with initial content; (ClientId, Seq) makes a retried create succeed instead of failing as a duplicate.</summary>
    public sealed record Create(string Name, byte[] Content, string ClientId, long Seq) : IPrimaryRequest;

    /// <summary>
    /// One append. PrevSeq is the client's previous still-unacknowledged append to this file (or NoPrevious):
    /// the primary refuses an append whose predecessor it has not applied, so a client's order is kept across retries.
    /// </summary>
    public sealed record Append(string Name, byte[] Data, string ClientId, long Seq, long PrevSeq) : IPrimaryRequest;

    /// <summary>
    /// Several consecutive appends of one client to one file in one message (the client coalesces what is waiting
    /// to be sent); the primary handles them one by one, exactly as separate <see cref="Append"/>s.
    /// </summary>
    public sealed record AppendBatch(string Name, string ClientId, long[] Seqs, long[] PrevSeqs, byte[][] Data) : IPrimaryRequest;

    public sealed record Stat(string Name) : IPrimaryRequest;
    public sealed record Read(string Name, long Offset, int MaxBytes) : IPrimaryRequest;
    public sealed record Merge(string Name) : IPrimaryRequest;

    // ---- replies ----

    /// <summary>Every append of ClientId up to Seq (on this file) is durable on all live replicas.</summary>
    public sealed record AppendAck(string Name, string ClientId, long Seq);

    /// <summary>The primary has not applied the client's previous append: resend from Highest onwards.</summary>
    public sealed record AppendGap(string Name, string ClientId, long Highest);

    public sealed record Done(string Name);
    public sealed record StatResult(string Name, bool Exists, long Length);
    public sealed record ReadResult(string Name, long Offset, byte[] Data, long Length);

    /// <summary>The request can never succeed as sent (bad name, missing file, ...). ClientId/Seq name a failed append.</summary>
    public sealed record Failed(string Name, string Message, string? ClientId = null, long Seq = 0);

    /// <summary>Not the primary (any more) or not ready: ask again shortly, after re-reading the ring.</summary>
    public sealed record Retry(string Name, string Reason, string? ClientId = null, long Seq = 0);

    // ---- requests any hydfs node serves from its own disk ----

    public sealed record ListStore;
    public sealed record ReadLocal(string Name, long Offset, int MaxBytes) : IFileMessage;

    /// <summary>multiappend: the receiving node appends its own local file <paramref name="LocalPath"/> to Name.</summary>
    public sealed record AppendLocalFile(string Name, string LocalPath) : IFileMessage;

    // ---- replica protocol ----

    public sealed record DedupEntry(string ClientId, long Seq);

    /// <summary>Primary -> replica: the bytes at [Offset, Offset+Data.Length), one coalesced batch of appends.</summary>
    public sealed record ReplicaWrite(string Name, long Offset, byte[] Data, DedupEntry[] Entries, string Primary) : IFileMessage;

    /// <summary>Replica -> primary: my copy is durable up to Length.</summary>
    public sealed record ReplicaProgress(string Name, string Node, long Length) : IFileMessage;

    public sealed record Query(string Name) : IFileMessage;
    public sealed record QueryResult(string Name, string Node, bool Exists, long Length);

    /// <summary>"I hold Name up to Length": a receiver that owns the file and has less pulls from the sender.</summary>
    public sealed record Offer(string Name, string Node, long Length) : IFileMessage;
    public sealed record OfferReply(string Name, string Node, bool Owner, bool Exists, long Length);

    /// <summary>Receiver -> source: send the bytes from Offset (at most MaxBytes). Transfers are pulled chunk by chunk.</summary>
    public sealed record Pull(string Name, long Offset, int MaxBytes) : IFileMessage;

    /// <summary>Source -> receiver. Dedup is the source's whole table, sent with the chunk that reaches SourceLength.</summary>
    public sealed record Chunk(string Name, long Offset, byte[] Data, long SourceLength, DedupEntry[]? Dedup);

    /// <summary>Primary -> replica during merge: CRC-32 per block of the primary's first Length bytes.</summary>
    public sealed record MergeCheck(string Name, long Length, uint[] Blocks, int BlockSize, string Primary) : IFileMessage;
    public sealed record MergeChecked(string Name, string Node, long Length);

    // ---- inside a node ----

    internal sealed record RingChanged(HashRing Ring, IReadOnlySet<string> Unreachable);
}
