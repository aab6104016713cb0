using RainStorm.Actors.HyDfs.Protocol;
using RainStorm.Actors.Runtime.Serialization;

namespace RainStorm.Actors.Wire;

/// <summary>
/// Every protocol serializer of RainStorm's own messages and the types each one binds, as HOCON appended to
/// hocon/rainstorm.conf (so a plain <c>ActorSystem.Create</c> with <see cref="Hosting.RainStormHocon.Default"/> binds
/// them as a node does). The tuple batches' and the persisted records' serializers are bound in rainstorm.conf itself.
/// </summary>
public static class RainStormSerializers
{
    public sealed record Protocol(string Name, Type Serializer, IReadOnlyList<Type> Types)
    {
        public Protocol(string name, Type serializer, IReadOnlyList<Codec> codecs) : this(name, serializer, codecs.Select(c => c.Type).ToList()) { }
    }

    public static readonly IReadOnlyList<Protocol> Protocols =
    [
        new("rainstorm-job-commands", typeof(JobCommandsSerializer), JobCommandsSerializer.Codecs),
        new("rainstorm-task", typeof(TaskProtocolSerializer), TaskProtocolSerializer.Codecs),
        new("rainstorm-worker", typeof(WorkerProtocolSerializer), WorkerProtocolSerializer.Codecs),
        new("rainstorm-rescale", typeof(RescaleProtocolSerializer), RescaleProtocolSerializer.Codecs),
        new("rainstorm-recovery-protocol", typeof(RecoveryProtocolSerializer), RecoveryProtocolSerializer.Codecs),
        new("rainstorm-job-master", typeof(JobMasterProtocolSerializer), JobMasterProtocolSerializer.Codecs),
        new("rainstorm-metrics", typeof(MetricsProtocolSerializer), MetricsProtocolSerializer.Codecs),
        new("rainstorm-checkpoint", typeof(CheckpointSerializer), CheckpointSerializer.Codecs),
        // Every node (also one without the hydfs role) sends appends and reads, so every node binds these two.
        new("hydfs", typeof(HyDfsSerializer), HyDfsSerializer.BoundTypes),
        new("rainstorm-hydfs-control", typeof(HyDfsControlSerializer), HyDfsControlSerializer.Codecs),
    ];

    public static string Hocon => HoconText.Value;

    private static readonly Lazy<string> HoconText = new(() =>
    {
        var text = new System.Text.StringBuilder("akka.actor.serializers {\n");
        foreach (var p in Protocols) text.Append($"  {p.Name} = \"{NameOf(p.Serializer)}\"\n");
        text.Append("}\nakka.actor.serialization-bindings {\n");
        foreach (var p in Protocols)
        foreach (var type in p.Types)
            text.Append($"  \"{NameOf(type)}\" = {p.Name}\n");
        return text.Append("}\n").ToString();
    });

    private static string NameOf(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
