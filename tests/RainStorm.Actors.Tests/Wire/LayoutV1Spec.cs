using Akka.TestKit.Xunit2;
using RainStorm.Actors.Hosting;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Recovery;

namespace RainStorm.Actors.Tests.Wire;

/// <summary>Bytes written by layout version 1 of each serializer (checked in, never regenerated: they stand for
/// messages of an older node and journals already on disk) still read back as the messages they were.</summary>
public sealed class LayoutV1Spec() : TestKit(Akka.Configuration.ConfigurationFactory.ParseString("akka.actor.provider = local")
    .WithFallback(RainStormHocon.Default))
{
    private const int HyperionId = -5;

    /// <summary>A JobAccepted as Hyperion journaled it before JobTableSerializer existed (Akka.Serialization.Hyperion 1.5.73).</summary>
    private const string HyperionJobAccepted =
        "FB4A0000005261696E53746F726D2E4163746F72732E52756E74696D652E5265636F766572792E4A6F624A6F75726E616C2B4A6F6241636365707465642C205261696E53746F726D2E4163746F7273051C0000003C436F6D6D616E644C696E653E6B5F5F4261636B696E674669656C641F0000003C4964656D706F74656E63794B65793E6B5F5F4261636B696E674669656C64160000003C4A6F6249643E6B5F5F4261636B696E674669656C641F0000003C4B657947726F75705461626C65733E6B5F5F4261636B696E674669656C64210000003C536F75726365426C6F636B42797465733E6B5F5F4261636B696E674669656C64073C5261696E53746F726D203120322041676772656761746542794B65792033207372632E637376206F757420747275652066616C736520302030203007056B2D343207066A6F622D33FB2F00000053797374656D2E496E7433325B5D5B5D2C2053797374656D2E507269766174652E436F72654C69622C25636F7265250001000000FC0804000000000000000100000001000000000000000800100000";

    private static readonly string DataFile = Path.Combine(AppContext.BaseDirectory, "Wire", "Data", "layout-v1.txt");

    /// <summary>Each line: name, serializer id, manifest, hex bytes.</summary>
    private static IEnumerable<(string Name, int SerializerId, string Manifest, byte[] Bytes)> CheckedIn() =>
        File.ReadAllLines(DataFile).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(' ')).Select(p =>
            (p[0], int.Parse(p[1]), p[2], Convert.FromHexString(p[3])));

    [Fact]
    public void Version_1_bytes_read_back_as_the_messages_they_were()
    {
        var read = CheckedIn().ToList();
        Assert.Equal(LayoutV1Samples.Messages.Keys.Order(), read.Select(r => r.Name).Order());
        foreach (var (name, serializerId, manifest, bytes) in read)
        {
            var back = Sys.Serialization.Deserialize(bytes, serializerId, manifest);
            Assert.True(DeepEquality.Difference(LayoutV1Samples.Messages[name], back) is null,
                $"{name}: {DeepEquality.Difference(LayoutV1Samples.Messages[name], back)}");
        }
    }

    [Fact]
    public void A_serializer_still_at_version_1_writes_the_same_bytes_and_one_past_it_writes_a_newer_version()
    {
        foreach (var (name, serializerId, manifest, bytes) in CheckedIn())
        {
            var message = LayoutV1Samples.Messages[name];
            var serializer = Sys.Serialization.FindSerializerFor(message);
            Assert.Equal((serializerId, manifest), (serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message)));
            var now = serializer.ToBinary(message);
            if (now[0] == 1) Assert.True(bytes.AsSpan().SequenceEqual(now), $"{name} is no longer written as layout version 1");
            else Assert.True(now[0] > 1, $"{name} is written as layout version {now[0]}");
        }
    }

    [Fact]
    public void A_message_of_a_newer_layout_version_is_refused_with_one_sentence()
    {
        var (_, serializerId, manifest, bytes) = CheckedIn().First(r => r.Name == "submit");
        bytes[0] = 2;
        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => Sys.Serialization.Deserialize(bytes, serializerId, manifest));
        Assert.Equal("job command message 'submit' of layout version 2: this node reads up to version 1 (sent by a newer RainStorm?)", error.Message);
    }

    [Fact]
    public void Hyperion_reads_only_the_job_table_records_it_journaled_before_they_had_their_own_layout()
    {
        var accepted = (JobJournal.JobAccepted)Sys.Serialization.Deserialize(Convert.FromHexString(HyperionJobAccepted), HyperionId, "");
        Assert.Equal(("job-3", "RainStorm 1 2 AggregateByKey 3 src.csv out true false 0 0 0", 4096, "k-42"),
            (accepted.JobId, accepted.CommandLine, accepted.SourceBlockBytes, accepted.IdempotencyKey));
        Assert.Equal([0, 1, 1, 0], Assert.Single(accepted.KeyGroupTables!));

        // Anything else Hyperion would instantiate by its type name is refused.
        var other = new Akka.Serialization.HyperionSerializer((Akka.Actor.ExtendedActorSystem)Sys).ToBinary(new JobCommands.SubmitJob("RainStorm …"));
        var refused = Assert.ThrowsAny<Exception>(() => { Sys.Serialization.Deserialize(other, HyperionId, ""); });
        Assert.Contains("Unsafe Type Deserialization Detected", refused.ToString());
    }
}
