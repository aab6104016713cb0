using System.Text;
using Akka.Actor;
using Akka.Serialization;

namespace RainStorm.Actors.Tests.Persistence;

/// <summary>A payload with its own serializer, to show the plugins store serializer id + manifest + bytes.</summary>
public sealed record Custom(string Text, int Number, int[] Items);

/// <summary>A payload holding an actor ref, like Akka.Persistence.TCK's TestPayload: it must come back as the same actor.</summary>
public sealed record RefPayload(IActorRef Ref);

/// <summary>A payload whose serializer always fails: the journal must reject it, not crash.</summary>
public sealed record NotSerializable(string Why);

public sealed class TestPayloadSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const string Hocon = """
        akka.actor.serializers.test-payload = "RainStorm.Actors.Tests.Persistence.TestPayloadSerializer, RainStorm.Actors.Tests"
        akka.actor.serialization-bindings {
          "RainStorm.Actors.Tests.Persistence.Custom, RainStorm.Actors.Tests" = test-payload
          "RainStorm.Actors.Tests.Persistence.NotSerializable, RainStorm.Actors.Tests" = test-payload
          "RainStorm.Actors.Tests.Persistence.RefPayload, RainStorm.Actors.Tests" = test-payload
        }
        akka.actor.serialization-identifiers."RainStorm.Actors.Tests.Persistence.TestPayloadSerializer, RainStorm.Actors.Tests" = 9917
        """;

    public override int Identifier => 9917;

    public override string Manifest(object o) => o switch
    {
        Custom => "C1",
        RefPayload => "R1",
        _ => throw new ArgumentException($"cannot serialize {o.GetType().Name}"),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        Custom c => Encoding.UTF8.GetBytes($"{c.Text}\n{c.Number}\n{string.Join(",", c.Items)}"),
        RefPayload r => Encoding.UTF8.GetBytes(SerializedWithTransport(r.Ref)),
        _ => throw new ArgumentException($"cannot serialize {obj.GetType().Name}"),
    };

    /// <summary>As Akka.Persistence.TCK's test serializer: a plugin must serialize inside Serialization.WithTransport,
    /// or an actor ref that is not local is written without its address.</summary>
    private string SerializedWithTransport(IActorRef actor)
    {
        var transport = Akka.Serialization.Serialization.GetCurrentTransportInformation(); // throws when not set
        Assert.Equal(system.Provider.DefaultAddress, transport.Address);
        return Akka.Serialization.Serialization.SerializedActorPath(actor);
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (manifest == "R1") return new RefPayload(this.system.Provider.ResolveActorRef(Encoding.UTF8.GetString(bytes)));
        if (manifest != "C1") throw new ArgumentException($"unknown manifest {manifest}");
        var parts = Encoding.UTF8.GetString(bytes).Split('\n');
        return new Custom(parts[0], int.Parse(parts[1]), parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray());
    }
}
