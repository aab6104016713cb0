using Akka.Actor;
using Akka.TestKit.Xunit2;
using RainStorm.Actors.Hosting;
using RainStorm.Actors.Persistence;
using RainStorm.Actors.Runtime.Recovery;

namespace RainStorm.Actors.Tests.Persistence;

/// <summary>The leader's job table records use their own versioned layout, not Hyperion, and bytes written in
/// version 1 (checked in below) keep reading back the same.</summary>
public sealed class JobTableSerializerSpec()
    : TestKit(Akka.Configuration.ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(RainStormHocon.Default))
{
    // Written by JobTableSerializer version 1; never regenerate these: they stand for journals already on disk.
    private const string AcceptedV1 =
        "01056a6f622d333b5261696e53746f726d203120322041676772656761746542794b65792033207372632e637376206f757420747275652066616c73652030203020300010000001000000040000000000000001000000010000000000000001046b2d3432";
    private const string EndedV1 = "01056a6f622d33064641494c4544010d61207461736b206661696c6564b0040000000000002500000000000000";

    private JobTableSerializer Serializer => (JobTableSerializer)Sys.Serialization.FindSerializerForType(typeof(JobJournal.JobAccepted));

    [Fact]
    public void The_job_table_records_are_bound_to_the_versioned_serializer_not_hyperion()
    {
        Assert.IsType<JobTableSerializer>(Sys.Serialization.FindSerializerForType(typeof(JobJournal.JobAccepted)));
        Assert.IsType<JobTableSerializer>(Sys.Serialization.FindSerializerForType(typeof(JobJournal.JobEnded)));
    }

    [Fact]
    public void Version_1_bytes_checked_in_read_back_as_the_records_they_were()
    {
        var accepted = (JobJournal.JobAccepted)Serializer.FromBinary(Convert.FromHexString(AcceptedV1), "A");
        Assert.Equal(("job-3", "RainStorm 1 2 AggregateByKey 3 src.csv out true false 0 0 0", 4096, "k-42"),
            (accepted.JobId, accepted.CommandLine, accepted.SourceBlockBytes, accepted.IdempotencyKey));
        Assert.Equal([0, 1, 1, 0], Assert.Single(accepted.KeyGroupTables!));
        Assert.Equal(new JobJournal.JobEnded("job-3", "FAILED", "a task failed", 1200, 37),
            Serializer.FromBinary(Convert.FromHexString(EndedV1), "E"));
    }

    [Fact]
    public void Records_round_trip_with_and_without_their_optional_fields()
    {
        var full = new JobJournal.JobAccepted("job-1", "RainStorm …", 16, [null, [3, 2, 1]], "key");
        var bare = new JobJournal.JobAccepted("job-2", "x", 65536);
        foreach (var record in new[] { full, bare })
        {
            var back = (JobJournal.JobAccepted)Serializer.FromBinary(Serializer.ToBinary(record), Serializer.Manifest(record));
            Assert.Equal((record.JobId, record.CommandLine, record.SourceBlockBytes, record.IdempotencyKey),
                (back.JobId, back.CommandLine, back.SourceBlockBytes, back.IdempotencyKey));
            Assert.Equal(record.KeyGroupTables?.Select(t => t?.ToList()), back.KeyGroupTables?.Select(t => t?.ToList()));
        }
        var ended = new JobJournal.JobEnded("job-1", "COMPLETED", null, 5, 4);
        Assert.Equal(ended, Serializer.FromBinary(Serializer.ToBinary(ended), "E"));
        // Version 2 changed only StageRescaled: a JobEnded is the version 1 layout behind the new version byte.
        Assert.Equal(Convert.FromHexString(EndedV1)[1..], Serializer.ToBinary(new JobJournal.JobEnded("job-3", "FAILED", "a task failed", 1200, 37))[1..]);
        var rescaled = new JobJournal.StageRescaled("job-1", 2, 4, [0, 1, 2, 3, 0], [0, 3, 3, 3], 3, [2, -1]);
        var rescaledBack = (JobJournal.StageRescaled)Serializer.FromBinary(Serializer.ToBinary(rescaled), "W");
        Assert.Equal((rescaled.JobId, rescaled.Stage, rescaled.Width, rescaled.Epoch), (rescaledBack.JobId, rescaledBack.Stage, rescaledBack.Width, rescaledBack.Epoch));
        Assert.Equal(rescaled.Table, rescaledBack.Table);
        Assert.Equal(rescaled.Generations, rescaledBack.Generations);
        Assert.Equal(rescaled.Leaving, rescaledBack.Leaving);
        var retired = new JobJournal.TaskRetired("job-1", 2, 4, 3);
        Assert.Equal(retired, Serializer.FromBinary(Serializer.ToBinary(retired), Serializer.Manifest(retired)));
        var plain = (JobJournal.StageRescaled)Serializer.FromBinary(Serializer.ToBinary(new JobJournal.StageRescaled("job-1", 1, 2)), "W");
        Assert.Equal((null, null, 0, null), (plain.Table, plain.Generations, plain.Epoch, plain.Leaving));
    }

    [Fact]
    public void A_record_of_an_unknown_version_is_refused_with_one_sentence()
    {
        var bytes = Convert.FromHexString(EndedV1);
        bytes[0] = 9;
        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => Serializer.FromBinary(bytes, "E"));
        Assert.Equal("leader job table record of version 9: this node reads up to version 3 (written by a newer RainStorm?)", error.Message);
    }
}
