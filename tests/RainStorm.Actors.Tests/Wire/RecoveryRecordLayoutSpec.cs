using Akka.TestKit.Xunit2;
using RainStorm.Actors.Runtime.Recovery;
using RainStorm.Actors.Tests.Runtime;

namespace RainStorm.Actors.Tests.Wire;

/// <summary>Task journal records in the journals already on disk: those written before the layout version byte
/// (checked in, one-letter manifests) read back as the records they were, and new ones carry the current version (2).</summary>
public sealed class RecoveryRecordLayoutSpec() : TestKit(RuntimeTestConfig.Local())
{
    private static readonly string DataFile = Path.Combine(AppContext.BaseDirectory, "Wire", "Data", "recovery-records-v0.txt");

    [Fact]
    public void Records_written_before_the_version_byte_read_back_as_they_were()
    {
        var lines = File.ReadAllLines(DataFile).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(' ')).ToList();
        Assert.Equal(RecoveryRecordSamples.Records.Keys.Order(), lines.Select(l => l[0]).Order());
        foreach (var line in lines)
        {
            var back = Sys.Serialization.Deserialize(Convert.FromHexString(line[2]), RecoveryRecordSerializer.SerializerId, line[1]);
            Assert.True(DeepEquality.Difference(RecoveryRecordSamples.Records[line[0]], back) is null,
                $"{line[0]}: {DeepEquality.Difference(RecoveryRecordSamples.Records[line[0]], back)}");
        }
    }

    [Fact]
    public void New_records_start_with_the_current_layout_version_and_round_trip()
    {
        foreach (var (name, record) in RecoveryRecordSamples.Records)
        {
            var serializer = Sys.Serialization.FindSerializerFor(record);
            var bytes = serializer.ToBinary(record);
            Assert.Equal(RecoveryRecordSerializer.Version2, bytes[0]);
            var back = Sys.Serialization.Deserialize(bytes, serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, record));
            Assert.True(DeepEquality.Difference(record, back) is null, $"{name}: {DeepEquality.Difference(record, back)}");
        }
    }

    [Fact]
    public void A_record_of_a_newer_version_is_refused_with_one_sentence()
    {
        var record = RecoveryRecordSamples.Records["source-round"];
        var bytes = Sys.Serialization.FindSerializerFor(record).ToBinary(record);
        bytes[0] = 7;
        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() =>
            Sys.Serialization.Deserialize(bytes, RecoveryRecordSerializer.SerializerId, "source-round"));
        Assert.Equal("task journal record 'source-round' of layout version 7: this node reads up to version 2 (written by a newer RainStorm?)", error.Message);
    }
}
