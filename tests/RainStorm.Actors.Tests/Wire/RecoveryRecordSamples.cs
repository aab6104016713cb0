using RainStorm.Actors.Runtime.Transport;
using RainStorm.Operators.Contract;
using static RainStorm.Actors.Runtime.Recovery.RecoveryRecords;
using static RainStorm.Actors.Runtime.Transport.TupleTransport;

namespace RainStorm.Actors.Tests.Wire;

/// <summary>The task journal records whose bytes are checked in (Data/recovery-records.txt), in the layout before the
/// version byte and in version 1.</summary>
public static class RecoveryRecordSamples
{
    private static readonly Edge In = new("job-3", 0, 2, 1);
    private static readonly Edge Out = new("job-3", 1, 1, 0);

    public static readonly IReadOnlyDictionary<string, object> Records = new Dictionary<string, object>
    {
        ["round"] = new TaskRound([new InputMark(In, 7, false), new InputMark(In, 8, true)], [1, 2, 3],
            [new StreamTuple("k:1", "Stop,\"quoted, comma\""), new StreamTuple("ключ", "")], 42),
        ["snapshot"] = new TaskSnapshot(
            [new EdgeMark(In, 10, [12, 15], false), new EdgeMark(In with { FromTask = 0 }, 3, [], true)],
            new Dictionary<int, byte[]> { [5] = [9, 9], [127] = [] },
            [new TupleBatch(Out, 4, [new StreamTuple("a", "b")]), new TupleBatch(Out, 5, [], EndOfStream: true)],
            [5, 0, 2], true, [new SinkAppend(3, "x\n"u8.ToArray())], 3, 100, 60),
        ["source-round"] = new SourceRound(8192),
        ["source-snapshot"] = new SourceSnapshot(12_345, [7, 8], [100, 4]),
    };
}
