using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Runtime.Recovery;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Protocol.RescaleProtocol;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;
using static RainStorm.Actors.Runtime.Recovery.RecoveryProtocol;

namespace RainStorm.Actors.Tests.Wire;

/// <summary>The messages whose version-1 bytes are checked in (Data/layout-v1.txt): one or more of every serializer.</summary>
public static class LayoutV1Samples
{
    private static readonly TaskId Task = new("job-7", 2, 1, 1, 3);

    public static readonly IReadOnlyDictionary<string, object> Messages = new Dictionary<string, object>
    {
        ["submit"] = new SubmitJob("RainStorm 2 3 Filter \"Punched Telespar\" AggregateByKey 3 src.csv out true false 0 0 0", true, "key-é"),
        ["job-list"] = new JobList([
            new JobSummary("job-7", "RUNNING", 2, 7, 1200, 1100, TimeSpan.FromMilliseconds(1500), "RainStorm …", null, [3, 2, 2]),
            new JobSummary("job-6", "FAILED", 1, 2, 5, 0, TimeSpan.FromSeconds(2), "x", "a task failed"),
        ]),
        ["start-task"] = new StartTask(new TaskSpec(Task,
            new JobPlan([new StageSpec("Filter", "x"), new StageSpec("AggregateByKey", "3")], 3, "src.csv", "out", true, false, 250.5, 0.2, 0.8),
            3, [0, 1, 2], "/srv/operators", 65536)),
        ["worker-report"] = new WorkerReport("10.0.0.11:4053",
            [new TaskReport(Task, TaskPhase.Draining, 40, 30, 12.5, 9.75, "LOW", 4321, 17, 0.5)]),
        ["handed-off"] = new HandedOff(Task, new Dictionary<int, byte[]> { [5] = [1, 2, 3], [77] = [] }),
        ["recovery-list"] = new RecoveryList([
            new RecoveryInfo("job-7/2/1", "node left", "10.0.0.12:4053", "10.0.0.11:4053", new DateTime(2026, 12, 7, 15, 30, 0, DateTimeKind.Utc),
                TimeSpan.FromMilliseconds(850), null, 12, TimeSpan.FromMilliseconds(40)),
        ]),
        ["store"] = new StoreListing("10.0.0.11:4053", 123456789, [new StoredFile("dir/out", 987654321, 4096)]),
        ["hydfs-append"] = new RainStorm.Actors.HyDfs.Protocol.HyDfsProtocol.Append("dir/out", [10, 20, 30], "client-1", 8, 7),
        ["stage-rescaled"] = new JobJournal.StageRescaled("job-7", 2, 5),
    };
}
