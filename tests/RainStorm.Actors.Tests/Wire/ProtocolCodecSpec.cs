using System.Runtime.CompilerServices;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.Hosting;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Wire;

namespace RainStorm.Actors.Tests.Wire;

/// <summary>
/// The safety net for the protocols: every message record of every protocol class (found by reflection, so a record
/// added later is checked too) is bound to one of RainStorm's hand-written serializers, never to Hyperion, JSON or the
/// refusing fallback, and a sample of it with every field set (and one with every nullable field null) comes back equal.
/// </summary>
public sealed class ProtocolCodecSpec() : TestKit(Akka.Configuration.ConfigurationFactory.ParseString("akka.actor.provider = local")
    .WithFallback(RainStormHocon.Default))
{
    /// <summary>Static classes of messages: <c>*Protocol</c>, <c>JobCommands</c> and the leader's journal records.</summary>
    public static IReadOnlyList<Type> ProtocolClasses { get; } = typeof(JobCommands).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: true, IsSealed: true, IsNested: false, IsPublic: true })
        .Where(t => t.Name.EndsWith("Protocol", StringComparison.Ordinal) || t.Name == nameof(JobCommands))
        .OrderBy(t => t.FullName)
        .ToList();

    /// <summary>Public records nested in the protocol classes (a registry key class and node-internal records are not messages).</summary>
    public static IReadOnlyList<Type> MessageRecords { get; } = ProtocolClasses
        .SelectMany(c => c.GetNestedTypes())
        .Where(t => t is { IsClass: true, IsSealed: true, IsNestedPublic: true } && IsRecord(t))
        .ToList();

    private static bool IsRecord(Type t) => t.GetMethod("<Clone>$") is not null;

    [Fact]
    public void The_protocol_classes_are_found()
    {
        var names = ProtocolClasses.Select(c => c.Name).ToList();
        foreach (var expected in new[] { "JobCommands", "TaskProtocol", "WorkerProtocol", "RescaleProtocol", "RecoveryProtocol",
                     "JobMasterProtocol", "HyDfsProtocol", "MetricsProtocol" })
            Assert.Contains(expected, names);
        Assert.True(MessageRecords.Count > 80, $"only {MessageRecords.Count} message records found");
    }

    [Fact]
    public void Every_message_record_is_bound_to_a_rainstorm_serializer_and_round_trips_equal()
    {
        var problems = MessageRecords.Select(Problem).OfType<string>().ToList();
        Assert.True(problems.Count == 0, $"{problems.Count} message types cannot cross the network safely:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void A_record_without_a_codec_is_named_by_the_check()
    {
        var problem = Problem(typeof(NotInAnyProtocol));
        Assert.NotNull(problem);
        Assert.Contains(nameof(NotInAnyProtocol), problem);
        Assert.Contains("no RainStorm serializer", problem);
    }

    [Fact]
    public void A_type_without_a_codec_is_refused_by_name_not_serialized_by_a_polymorphic_serializer()
    {
        var serializer = Sys.Serialization.FindSerializerFor(new NotInAnyProtocol("x"));
        Assert.IsType<UnboundTypeSerializer>(serializer);
        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.ToBinary(new NotInAnyProtocol("x")));
        Assert.Contains(typeof(NotInAnyProtocol).FullName!, error.Message);
    }

    /// <summary>What is wrong with sending <paramref name="type"/> to another node, or null.</summary>
    private string? Problem(Type type)
    {
        Serializer serializer;
        try
        {
            serializer = Sys.Serialization.FindSerializerForType(type);
        }
        catch (Exception e)
        {
            return $"{type.FullName}: no serializer ({e.Message})";
        }
        if (serializer is not SerializerWithStringManifest || serializer.GetType().Assembly != typeof(ProtocolSerializer).Assembly)
            return $"{type.FullName}: bound to {serializer.GetType().Name}, no RainStorm serializer (add a codec to its protocol's serializer)";
        foreach (var nulls in new[] { false, true })
        {
            try
            {
                var sample = new SampleValues(TestActor, nulls).Of(type);
                var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, sample);
                var back = Sys.Serialization.Deserialize(serializer.ToBinary(sample), serializer.Identifier, manifest);
                if (DeepEquality.Difference(sample, back) is { } difference)
                    return $"{type.FullName} ({(nulls ? "nullable fields null" : "every field set")}) came back different at {difference}";
            }
            catch (Exception e)
            {
                return $"{type.FullName} ({(nulls ? "nullable fields null" : "every field set")}): {e.GetType().Name}: {e.Message}";
            }
        }
        return null;
    }

    public sealed record NotInAnyProtocol(string Text);
}
