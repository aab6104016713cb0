using Akka.Actor;
using RainStorm.Actors.Wire;
using static RainStorm.Actors.HyDfs.Protocol.HyDfsProtocol;

namespace RainStorm.Actors.HyDfs.Protocol;

/// <summary>The HyDFS messages that <see cref="HyDfsSerializer"/> (the hot path: appends, replica writes, chunks) does
/// not carry: creates, stats, merges, replies, the replica bookkeeping, and store listings.</summary>
public sealed class HyDfsControlSerializer(ExtendedActorSystem system) : ProtocolSerializer(system, "hydfs", Version1, Codecs)
{
    public const int SerializerId = 7302;

    /// <summary>Version 1: the fields of each record in declaration order.</summary>
    public const byte Version1 = 1;

    public override int Identifier => SerializerId;

    public static readonly IReadOnlyList<Codec> Codecs =
    [
        Codec.Of<Create>("create", (w, m) => { w.Str(m.Name); w.Bytes(m.Content); w.Str(m.ClientId); w.Long(m.Seq); },
            r => new Create(r.Str(), r.Bytes(), r.Str(), r.Long())),
        Codec.Of<Stat>("stat", (w, m) => w.Str(m.Name), r => new Stat(r.Str())),
        Codec.Of<Merge>("merge", (w, m) => w.Str(m.Name), r => new Merge(r.Str())),
        Codec.Of<AppendGap>("gap", (w, m) => { w.Str(m.Name); w.Str(m.ClientId); w.Long(m.Highest); }, r => new AppendGap(r.Str(), r.Str(), r.Long())),
        Codec.Of<Done>("done", (w, m) => w.Str(m.Name), r => new Done(r.Str())),
        Codec.Of<StatResult>("stat-result", (w, m) => { w.Str(m.Name); w.Bool(m.Exists); w.Long(m.Length); }, r => new StatResult(r.Str(), r.Bool(), r.Long())),
        Codec.Of<Failed>("failed", (w, m) => { w.Str(m.Name); w.Str(m.Message); w.Optional(m.ClientId, w.Str); w.Long(m.Seq); },
            r => new Failed(r.Str(), r.Str(), r.Optional(r.Str), r.Long())),
        Codec.Of<Retry>("retry", (w, m) => { w.Str(m.Name); w.Str(m.Reason); w.Optional(m.ClientId, w.Str); w.Long(m.Seq); },
            r => new Retry(r.Str(), r.Str(), r.Optional(r.Str), r.Long())),
        Codec.Empty<ListStore>("list-store"),
        Codec.Of<AppendLocalFile>("append-local", (w, m) => { w.Str(m.Name); w.Str(m.LocalPath); }, r => new AppendLocalFile(r.Str(), r.Str())),
        Codec.Of<DedupEntry>("dedup", (w, m) => { w.Str(m.ClientId); w.Long(m.Seq); }, r => new DedupEntry(r.Str(), r.Long())),
        Codec.Of<Query>("query", (w, m) => w.Str(m.Name), r => new Query(r.Str())),
        Codec.Of<QueryResult>("query-result", (w, m) => { w.Str(m.Name); w.Str(m.Node); w.Bool(m.Exists); w.Long(m.Length); },
            r => new QueryResult(r.Str(), r.Str(), r.Bool(), r.Long())),
        Codec.Of<Offer>("offer", (w, m) => { w.Str(m.Name); w.Str(m.Node); w.Long(m.Length); }, r => new Offer(r.Str(), r.Str(), r.Long())),
        Codec.Of<OfferReply>("offer-reply", (w, m) => { w.Str(m.Name); w.Str(m.Node); w.Bool(m.Owner); w.Bool(m.Exists); w.Long(m.Length); },
            r => new OfferReply(r.Str(), r.Str(), r.Bool(), r.Bool(), r.Long())),
        Codec.Of<MergeCheck>("merge-check", (w, m) => { w.Str(m.Name); w.Long(m.Length); w.List(m.Blocks, w.UInt); w.Int(m.BlockSize); w.Str(m.Primary); },
            r => new MergeCheck(r.Str(), r.Long(), r.List(r.UInt), r.Int(), r.Str())),
        Codec.Of<MergeChecked>("merge-checked", (w, m) => { w.Str(m.Name); w.Str(m.Node); w.Long(m.Length); }, r => new MergeChecked(r.Str(), r.Str(), r.Long())),
        Codec.Of<RingMember>("ring-member", (w, m) => RingMember(w, m), RingMember),
        Codec.Of<FileLocation>("location", (w, m) => { w.Str(m.File); w.Long(m.FileId); w.List(m.Replicas, x => RingMember(w, x)); },
            r => new FileLocation(r.Str(), r.Long(), r.List(() => RingMember(r)))),
        Codec.Of<StoredFile>("stored-file", (w, m) => StoredFile(w, m), StoredFile),
        Codec.Of<StoreListing>("store", (w, m) => { w.Str(m.Node); w.Long(m.RingId); w.List(m.Files, x => StoredFile(w, x)); },
            r => new StoreListing(r.Str(), r.Long(), r.List(() => StoredFile(r)))),
    ];

    private static void RingMember(WireWriter w, RingMember m)
    {
        w.Str(m.Node); w.Long(m.RingId);
    }

    private static RingMember RingMember(WireReader r) => new(r.Str(), r.Long());

    private static void StoredFile(WireWriter w, StoredFile f)
    {
        w.Str(f.Name); w.Long(f.FileId); w.Long(f.Length);
    }

    private static StoredFile StoredFile(WireReader r) => new(r.Str(), r.Long(), r.Long());
}
