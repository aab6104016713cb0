using Akka.Actor;
using RainStorm.Actors.Wire;
using static RainStorm.Actors.Runtime.Checkpoints.CheckpointProtocol;

namespace RainStorm.Actors.Runtime.Serialization;

/// <summary>Checkpoint messages and the checkpoint files on HyDFS (<see cref="Checkpoints.CheckpointProtocol"/>).</summary>
public sealed class CheckpointSerializer(ExtendedActorSystem system) : ProtocolSerializer(system, "checkpoint", Version1, Codecs)
{
    public const int SerializerId = 4727;

    /// <summary>Version 1: the fields of each record in declaration order.</summary>
    public const byte Version1 = 1;

    public override int Identifier => SerializerId;

    public static string ManifestOf(Type type) => Codecs.First(c => c.Type == type).Manifest;

    public static readonly IReadOnlyList<Codec> Codecs =
    [
        Codec.Of<TriggerCheckpoint>("trigger", (w, m) => w.Long(m.Id), r => new TriggerCheckpoint(r.Long())),
        Codec.Of<CheckpointAck>("ack", (w, m) => { w.TaskId(m.Task); w.Long(m.Id); w.Optional(m.State, s => Part(w, s)); w.Optional(m.File, w.Str); },
            r => new CheckpointAck(r.TaskId(), r.Long(), r.Optional(() => Part(r)), r.Optional(r.Str))),
        Codec.Of<CommitCheckpoint>("commit", (w, m) => w.Long(m.Id), r => new CommitCheckpoint(r.Long())),
        Codec.Of<CheckpointWanted>("wanted", (w, m) => w.TaskId(m.Task), r => new CheckpointWanted(r.TaskId())),
        Codec.Of<TaskCheckpoint>("part", Part, Part),
        Codec.Of<SinkStaged>("staged", Staged, Staged),
        Codec.Of<SinkAppend>("append", Append, Append),
        Codec.Of<CheckpointEntry>("entry", Entry, Entry),
        Codec.Of<CheckpointManifest>("manifest", (w, m) => { w.Str(m.JobId); w.Long(m.Id); w.List(m.Entries, e => Entry(w, e)); },
            r => new CheckpointManifest(r.Str(), r.Long(), r.List(() => Entry(r)))),
    ];

    private static void Part(WireWriter w, TaskCheckpoint p)
    {
        w.Long(p.SourceLines); w.KeyGroupState(p.Groups); w.Optional(p.Sink, s => Staged(w, s)); w.Long(p.TuplesIn); w.Long(p.TuplesOut);
    }

    private static TaskCheckpoint Part(WireReader r) => new(r.Long(), r.KeyGroupState(), r.Optional(() => Staged(r)), r.Long(), r.Long());

    private static void Staged(WireWriter w, SinkStaged s)
    {
        w.Str(s.ClientId); w.Long(s.Seq); w.List(s.Appends, a => Append(w, a));
    }

    private static SinkStaged Staged(WireReader r) => new(r.Str(), r.Long(), r.List(() => Append(r)));

    private static void Append(WireWriter w, SinkAppend a)
    {
        w.Long(a.Seq); w.Bytes(a.Data);
    }

    private static SinkAppend Append(WireReader r) => new(r.Long(), r.Bytes());

    private static void Entry(WireWriter w, CheckpointEntry e)
    {
        w.Int(e.Stage); w.Int(e.Index); w.Optional(e.State, s => Part(w, s)); w.Optional(e.File, w.Str);
    }

    private static CheckpointEntry Entry(WireReader r) => new(r.Int(), r.Int(), r.Optional(() => Part(r)), r.Optional(r.Str));
}
