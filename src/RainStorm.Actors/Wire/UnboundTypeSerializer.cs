using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace RainStorm.Actors.Wire;

/// <summary>
/// Bound to <c>System.Object</c> in place of a polymorphic serializer (Hyperion, or Akka's default JSON): a message
/// type nobody wrote a codec for is refused by name when it would cross the network, instead of going out with its
/// CLR type name for the receiver to instantiate. Akka's own messages have serializers of their own and never get here.
/// </summary>
public sealed class UnboundTypeSerializer(ExtendedActorSystem system) : Serializer(system)
{
    public const int SerializerId = 4729;

    public override int Identifier => SerializerId;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) =>
        throw new SerializationException($"{obj.GetType().FullName} has no serializer: RainStorm sends only types with a codec (RainStorm.Actors.Wire.RainStormSerializers)");

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new SerializationException($"a message of an unbound type ({type?.FullName ?? "unknown"}) arrived; RainStorm reads only types with a codec");
}
