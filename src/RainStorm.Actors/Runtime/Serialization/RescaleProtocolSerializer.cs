using Akka.Actor;
using RainStorm.Actors.Wire;
using static RainStorm.Actors.Runtime.Protocol.RescaleProtocol;

namespace RainStorm.Actors.Runtime.Serialization;

/// <summary>Job master ↔ task messages of a live rescale (<see cref="Protocol.RescaleProtocol"/>).</summary>
public sealed class RescaleProtocolSerializer(ExtendedActorSystem system) : ProtocolSerializer(system, "rescale", Version3, Codecs)
{
    public const int SerializerId = 4723;

    /// <summary>Version 1: the fields of each record in declaration order.</summary>
    public const byte Version1 = 1;

    /// <summary>Version 2: the job master's answers and orders carry the number of the rescale they belong to (0 when
    /// read from version 1); <see cref="Release"/>.</summary>
    public const byte Version2 = 2;

    /// <summary>Version 3: <see cref="Hold"/> names the key groups held back (absent: the whole output, as before).</summary>
    public const byte Version3 = 3;

    public override int Identifier => SerializerId;

    public static readonly IReadOnlyList<Codec> Codecs =
    [
        Codec.Of<Hold>("hold", (w, m) => { w.TaskId(m.Task); w.Int(m.Rescale); w.Optional(m.Groups, w.Ints); },
            r => new Hold(r.TaskId(), Number(r), r.Version >= Version3 ? r.Optional(r.Ints) : null)),
        Codec.Of<Held>("held", (w, m) => { w.TaskId(m.Task); w.Int(m.Rescale); }, r => new Held(r.TaskId(), Number(r))),
        Codec.Of<Retire>("retire", (w, m) => w.TaskId(m.Task), r => new Retire(r.TaskId())),
        Codec.Of<ExpectUpstream>("expect-upstream", (w, m) => { w.TaskId(m.Task); w.Ints(m.UpstreamTasks); w.Optional(m.Forget, w.Ints); w.Int(m.Rescale); },
            r => new ExpectUpstream(r.TaskId(), r.Ints(), r.Optional(r.Ints), Number(r))),
        Codec.Of<UpstreamExpected>("upstream-expected", (w, m) => { w.TaskId(m.Task); w.Int(m.Rescale); }, r => new UpstreamExpected(r.TaskId(), Number(r))),
        Codec.Of<HandOff>("hand-off", (w, m) => { w.TaskId(m.Task); w.Ints(m.KeyGroups); w.Int(m.Rescale); }, r => new HandOff(r.TaskId(), r.Ints(), Number(r))),
        Codec.Of<HandedOff>("handed-off", (w, m) => { w.TaskId(m.Task); w.KeyGroupState(m.State); w.Int(m.Rescale); },
            r => new HandedOff(r.TaskId(), r.KeyGroupState(), Number(r))),
        Codec.Of<TakeOver>("take-over", (w, m) => { w.TaskId(m.Task); w.KeyGroupState(m.State); w.Int(m.Rescale); },
            r => new TakeOver(r.TaskId(), r.KeyGroupState(), Number(r))),
        Codec.Of<TookOver>("took-over", (w, m) => { w.TaskId(m.Task); w.Int(m.Rescale); }, r => new TookOver(r.TaskId(), Number(r))),
        Codec.Of<Release>("release", (w, m) => { w.TaskId(m.Task); w.Ints(m.KeyGroups); }, r => new Release(r.TaskId(), r.Ints())),
    ];

    /// <summary>The rescale a message belongs to: written since version 2.</summary>
    private static int Number(WireReader r) => r.Version >= Version2 ? r.Int() : 0;
}
