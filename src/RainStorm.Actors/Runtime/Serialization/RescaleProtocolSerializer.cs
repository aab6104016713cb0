using Akka.Actor;
using RainStorm.Actors.Wire;
using static RainStorm.Actors.Runtime.Protocol.RescaleProtocol;

namespace RainStorm.Actors.Runtime.Serialization;

/// <summary>Job master ↔ task messages of a live rescale (<see cref="Protocol.RescaleProtocol"/>).</summary>
public sealed class RescaleProtocolSerializer(ExtendedActorSystem system) : ProtocolSerializer(system, "rescale", Version1, Codecs)
{
    public const int SerializerId = 4723;

    /// <summary>Version 1: the fields of each record in declaration order.</summary>
    public const byte Version1 = 1;

    public override int Identifier => SerializerId;

    public static readonly IReadOnlyList<Codec> Codecs =
    [
        Codec.Of<Hold>("hold", (w, m) => w.TaskId(m.Task), r => new Hold(r.TaskId())),
        Codec.Of<Held>("held", (w, m) => w.TaskId(m.Task), r => new Held(r.TaskId())),
        Codec.Of<Retire>("retire", (w, m) => w.TaskId(m.Task), r => new Retire(r.TaskId())),
        Codec.Of<ExpectUpstream>("expect-upstream", (w, m) => { w.TaskId(m.Task); w.Ints(m.UpstreamTasks); w.Optional(m.Forget, w.Ints); },
            r => new ExpectUpstream(r.TaskId(), r.Ints(), r.Optional(r.Ints))),
        Codec.Of<UpstreamExpected>("upstream-expected", (w, m) => w.TaskId(m.Task), r => new UpstreamExpected(r.TaskId())),
        Codec.Of<HandOff>("hand-off", (w, m) => { w.TaskId(m.Task); w.Ints(m.KeyGroups); }, r => new HandOff(r.TaskId(), r.Ints())),
        Codec.Of<HandedOff>("handed-off", (w, m) => { w.TaskId(m.Task); w.KeyGroupState(m.State); }, r => new HandedOff(r.TaskId(), r.KeyGroupState())),
        Codec.Of<TakeOver>("take-over", (w, m) => { w.TaskId(m.Task); w.KeyGroupState(m.State); }, r => new TakeOver(r.TaskId(), r.KeyGroupState())),
        Codec.Of<TookOver>("took-over", (w, m) => w.TaskId(m.Task), r => new TookOver(r.TaskId())),
    ];
}
