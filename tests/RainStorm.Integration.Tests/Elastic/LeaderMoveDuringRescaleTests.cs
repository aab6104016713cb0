using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Runtime;
using RainStorm.Actors.Runtime.Protocol;
using RainStorm.Actors.Runtime.Recovery;
using RainStorm.Integration.Tests.ExactlyOnce;
using RainStorm.Integration.Tests.Runtime;
using RainStorm.Integration.Tests.Support;
using RainStorm.Node.Local;
using Xunit.Abstractions;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using static RainStorm.Actors.Runtime.Protocol.WorkerProtocol;
using Verdict = RainStorm.Integration.Tests.Elastic.MessageTap.Verdict;

namespace RainStorm.Integration.Tests.Elastic;

/// <summary>
/// The leader's node (and with it the job master) killed at the exact instants of a rescale where the order of the
/// master's steps decides what a new leader finds (docs/elastic.md, "How a live rescale runs": the commit, the
/// retired tasks' ends, the hand-off before the commit). Each test runs App 1 with exactly_once on 3 embedded nodes,
/// kills the leader's node at one instant, lets the new leader take the job over and finish it, and asserts exact
/// counts per key (1..n, each once). The instant is not a race with a timer: a <see cref="MessageTap"/> on the
/// leader's node sees the message that marks it and kills the node on it (the message is dropped, the master and the
/// node's tasks are frozen from there, the actor system is terminated without leaving the cluster).
/// </summary>
[Collection(NodeFailureLane.Name)]
public sealed class LeaderMoveDuringRescaleTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(30);

    private static bool IsMaster(ActorPath to) => to.Name.StartsWith("job-master-", StringComparison.Ordinal);

    /// <summary>(a), before the answer: the master asked for the commit of a grow of the AggregateByKey stage 3 -> 4, the
    /// job table's journal took longer than the commit timeout (its StageRescaled is held back), the master asked again,
    /// the table wrote it, and the leader's node dies as the table's answer (RescaleJournaled) is on its way to the
    /// master. The table holds the new shape: the new leader must run it (the task that joined, with its generation; the
    /// old owners drop the groups they handed over but were never told to release). Without the fix (a commit rolled
    /// back on its timeout, the old shape journaled after it) the master's second request names the old width 3 and
    /// the test fails there (seen with the fix reverted): the tasks would already run the old shape again while the
    /// table could still end up with the new one (its first write landing, the second lost with the node), and a new
    /// leader would then route the moved groups to the new task, restarted from the hand-off's counts while their old
    /// owners had counted on: counts twice.</summary>
    [Fact]
    public async Task Commit_journaled_after_its_timeout_and_the_leader_dead_before_the_answer_the_new_leader_runs_the_new_shape()
    {
        await using var run = await LeaderMoveRun.StartAsync(output, "lm_commit_late", leaderNodeHocon: "rainstorm.runtime.task-start-timeout = 4s");
        var tap = run.LeaderTap;
        tap.OnSend = (to, message) => message switch
        {
            JobJournal.StageRescaled { Stage: 2 } => Verdict.Hold,
            JobJournal.RescaleJournaled when IsMaster(to) => Verdict.Kill,
            _ => Verdict.Pass,
        };
        var asking = run.Leader.Ask<object>(new RescaleStage(run.JobId, 2, 4), TimeSpan.FromMinutes(3));
        // The commit timeout is 4 s on the leader's node: the master asks the table again instead of rolling back.
        await Poll.UntilAsync(() => Task.FromResult(tap.Held.Count >= 2), TimeSpan.FromSeconds(60),
            "the job master asking the job table a second time to journal the rescale (its commit timeout passed)");
        var held = tap.Held.Cast<JobJournal.StageRescaled>().ToList();
        output.WriteLine($"held journal requests: {string.Join("; ", held.Select(h => $"stage {h.Stage} width {h.Width} epoch {h.Epoch}"))}");
        Assert.All(held, h => Assert.Equal(4, h.Width)); // not the old width 3: the commit was not rolled back
        Assert.Single(held.Select(h => h.Epoch).Distinct());
        Assert.False(asking.IsCompleted, $"the rescale's requester was answered while its commit was unjournaled: {(asking.IsCompletedSuccessfully ? asking.Result : asking.Exception)}");

        tap.ReleaseHeld(); // the table writes it (twice: harmless) and answers; the answer kills the node
        await run.LeaderKilledAsync();
        await run.NewLeaderTakesOverAsync(stage: 2, width: 4);
        await run.FinishExactAsync();
    }

    /// <summary>(a), after the answer: the master took the table's RescaleJournaled for a shrink of the AggregateByKey
    /// stage 3 -> 2 from its mailbox and committed (new routing, Retire, Release sent) right before the node died. The
    /// new leader must keep the new shape: routing to the two tasks left, the leaving task finishing as a retired one.
    /// A new leader that went back to the old shape would route the moved groups to their old owner, which released
    /// them: their counts would start again from 1 (twice).</summary>
    [Fact]
    public async Task Commit_answered_and_the_leader_dead_right_after_the_master_took_the_answer_the_new_leader_keeps_the_new_shape()
    {
        await using var run = await LeaderMoveRun.StartAsync(output, "lm_commit_answered");
        run.LeaderTap.KillAfterTaking = (to, message) => message is JobJournal.RescaleJournaled && IsMaster(to);
        _ = run.Leader.Ask<object>(new RescaleStage(run.JobId, 2, 2), TimeSpan.FromMinutes(3));
        await run.LeaderKilledAsync();
        await run.NewLeaderTakesOverAsync(stage: 2, width: 2);
        await run.FinishExactAsync();
    }

    /// <summary>(b): a shrink of the Filter stage 3 -> 2 committed; its leaving task job-1/1/2 (on a node that lives)
    /// finished, and the leader's node dies as its end (TaskRetired) reaches the job table, unwritten. The new leader
    /// finds the task still leaving, and its worker reports it completed: it is attached, its end journaled, and only
    /// then stopped and its edge forgotten. It must not be restarted. Without the fix (stop the task and forget its edge
    /// first, journal after) nobody would report it: the new leader restarts it from its journal (a recovery of job-1/1/2,
    /// asserted absent here) and its end of stream goes to an edge the AggregateByKey tasks forgot ("dropped a batch on
    /// unexpected edge"), as seen with the fix reverted.</summary>
    [Fact]
    public async Task Retired_task_end_unjournaled_when_the_leader_dies_the_new_leader_does_not_restart_it()
    {
        await using var run = await LeaderMoveRun.StartAsync(output, "lm_retired");
        var leaving = (await run.TasksAsync()).Single(t => t.Task == $"{run.JobId}/1/2");
        Assert.NotEqual(run.LeaderNode.Address, leaving.Node); // placement: the leader's node runs chain 0
        run.LeaderTap.OnSend = (_, message) => message is JobJournal.TaskRetired { Stage: 1 } ? Verdict.Kill : Verdict.Pass;
        Assert.IsType<StageRescaled>(await run.Leader.Ask<object>(new RescaleStage(run.JobId, 1, 2), Ask));
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} stage 1 rescaled 3 -> 2; {leaving.Task} leaves from {leaving.Node}");
        foreach (var node in run.Survivors)
            MessageTap.On(node.System).Record = (to, message) => message is JobJournal.RetireJournaled { Stage: 1, Index: 2 } && IsMaster(to);
        await run.LeaderKilledAsync();
        await run.NewLeaderTakesOverAsync(stage: 1, width: 2);
        // Every task the job table knows runs again, the dead node's restarted: the leaving one was not among them.
        Assert.DoesNotContain(await run.RecoveriesAsync(), r => r.Task == leaving.Task);
        // The new master attached the completed task and journaled its end (only then does it stop it).
        await Poll.UntilAsync(() => Task.FromResult(run.Survivors.Any(n => MessageTap.On(n.System).Recorded.Count > 0)), TimeSpan.FromSeconds(60),
            $"the new leader's job table journaling the end of {leaving.Task}");
        await run.FinishExactAsync();
    }

    /// <summary>(c): a shrink of the AggregateByKey stage 3 -> 2; the leaving task handed its key groups over, the two
    /// staying tasks took them over (state restored, snapshot journaled), and the leader's node dies as the first
    /// answer of the next step (UpstreamExpected) reaches the master: the commit was never asked for. The table holds
    /// the old shape: the leaving task (restarted from its journal, its node being the leader's) keeps its groups and goes
    /// on counting them, so every re-attached task must drop the state of groups the table does not give it. Asserted
    /// directly (each staying task is told to release every group it took over) and by the exact counts. Without the
    /// fix no such Release comes and the test fails there (seen with the fix reverted): the staying tasks would keep
    /// stale copies of counts that go on elsewhere (AggregateByKey's restore replaces a group whole and a stale group
    /// is routed nowhere, so the counts alone do not show it).</summary>
    [Fact]
    public async Task Taken_over_groups_uncommitted_when_the_leader_dies_re_attached_tasks_drop_them()
    {
        // The leaving task job-1/2/2 runs on the leader's node: both staying tasks, which take its groups over, live.
        await using var run = await LeaderMoveRun.StartAsync(output, "lm_taken_over", leaderChain: 2);
        Assert.Equal(run.LeaderNode.Address, (await run.TasksAsync()).Single(t => t.Task == $"{run.JobId}/2/2").Node);
        // It has counted some keys, so the groups it hands over carry state.
        await Poll.UntilAsync(async () => (await run.TasksAsync()).Any(t => t.Task == $"{run.JobId}/2/2" && t.InPerSecond > 0),
            TimeSpan.FromSeconds(60), $"{run.JobId}/2/2 taking input");
        foreach (var node in run.Survivors)
            MessageTap.On(node.System).Record = (_, message) => message is RescaleProtocol.TakeOver or RescaleProtocol.Release;
        run.LeaderTap.OnSend = (to, message) => message is RescaleProtocol.UpstreamExpected && IsMaster(to) ? Verdict.Kill : Verdict.Pass;
        _ = run.Leader.Ask<object>(new RescaleStage(run.JobId, 2, 2), TimeSpan.FromMinutes(3));
        var killedAt = await run.LeaderKilledAsync();
        var tookOver = run.Survivors.SelectMany(n => MessageTap.On(n.System).Recorded)
            .Select(r => r.Message).OfType<RescaleProtocol.TakeOver>().Where(t => t.State.Count > 0).ToList();
        foreach (var t in tookOver) output.WriteLine($"{t.Task} took over key groups [{string.Join(",", t.State.Keys.Order())}] before the kill");
        Assert.NotEmpty(tookOver); // the leaving task's groups (with their counts) go to the staying tasks, both on live nodes

        await run.NewLeaderTakesOverAsync(stage: 2, width: 3);
        await Poll.AssertAsync(() =>
        {
            var released = run.Survivors.SelectMany(n => MessageTap.On(n.System).Recorded).Where(r => r.At > killedAt)
                .Select(r => r.Message).OfType<RescaleProtocol.Release>().ToList();
            foreach (var taken in tookOver)
                Assert.True(released.Any(r => r.Task == taken.Task && taken.State.Keys.All(r.KeyGroups.Contains)),
                    $"{taken.Task} took over key groups [{string.Join(",", taken.State.Keys.Order())}] in a rescale the old leader never " +
                    $"committed; the new leader did not tell it to drop them (releases seen: {string.Join("; ", released.Select(r => $"{r.Task}: {r.KeyGroups.Length} groups"))})");
        }, TimeSpan.FromSeconds(60));
        await run.FinishExactAsync();
    }

    /// <summary>3 embedded nodes with the product's failure detector, each with a <see cref="MessageTap"/> (the first, the
    /// seed, hosts the leader), and App 1 (exactly_once, paced to last about a minute) submitted and running on them.
    /// The survivors' leader proxy and HyDFS client are used throughout.</summary>
    private sealed class LeaderMoveRun : IAsyncDisposable
    {
        private const int Rate = 300;
        private readonly ITestOutputHelper _output;
        private readonly string _root;
        private readonly List<TestNode> _nodes = [];

        private LeaderMoveRun(ITestOutputHelper output, string root, string destination)
        {
            _output = output;
            _root = root;
            Destination = destination;
        }

        public string Destination { get; }
        public string JobId { get; private set; } = "";
        public TestNode LeaderNode => _nodes[0];
        public IReadOnlyList<TestNode> Survivors => _nodes.Skip(1).ToList();
        public MessageTap LeaderTap => MessageTap.On(LeaderNode.System);
        private ActorSystem Client => _nodes[1].System;
        public IActorRef Leader => ActorRegistry.For(Client).Get<LeaderProxyKey>();
        private HyDfsClient HyDfs => HyDfsClient.For(Client);
        private DateTime _killedAt;

        /// <param name="leaderChain">The chain (task i of every stage, placed on one node) the leader's node runs.</param>
        /// <param name="leaderNodeHocon">More HOCON for the leader's node only.</param>
        public static async Task<LeaderMoveRun> StartAsync(ITestOutputHelper output, string destination, int leaderChain = 0, string? leaderNodeHocon = null)
        {
            var source = RuntimeClusterFixture.TrafficSigns();
            var run = new LeaderMoveRun(output, Directory.CreateTempSubdirectory("rainstorm-leadermove-").FullName, destination);
            try
            {
                await run.StartNodesAsync(leaderChain, leaderNodeHocon);
                await JobRunner.EnsureSourceAsync(run.HyDfs, "Traffic_Signs.csv", source);
                run.JobId = await JobRunner.SubmitAsync(run.Leader,
                    $"RainStorm 2 3 Filter \"{ExactlyOnceChecks.App1Pattern}\" AggregateByKey 8 Traffic_Signs.csv {destination} true false {Rate} 0 0");
                await run.UntilRunningAsync(TimeSpan.FromSeconds(60));
                Assert.True(run.LeaderTap.LeaderChildMessages > 0, "the tap saw no message to the job master: its mailbox is not in place");
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {run.JobId} running on {string.Join(", ", run._nodes.Select(n => n.Address))} (leader on the first)");
                return run;
            }
            catch
            {
                await run.DisposeAsync();
                throw;
            }
        }

        /// <summary>Chains are placed on the least-loaded node, ties by name (host:port, all ports of one length): with the
        /// ports chosen in order, chain i runs on the node with the i-th port, and the leader's node (the seed, the oldest)
        /// gets the port of <paramref name="leaderChain"/>.</summary>
        private async Task StartNodesAsync(int leaderChain, string? leaderNodeHocon)
        {
            Directory.CreateDirectory(Path.Combine(_root, "operators"));
            var sorted = new SortedSet<int>();
            while (sorted.Count < 3) sorted.Add(FreePort.Next());
            var ports = sorted.ToList();
            ports.Insert(0, ports[leaderChain]);
            ports.RemoveAt(leaderChain + 1);
            var seed = $"127.0.0.1:{ports[0]}";
            var hocon = "akka.loglevel = INFO\n" + MessageTap.Hocon;
            var options = ports.Select((port, i) =>
            {
                var o = TestNode.NewOptions(_root, seed, extraHocon: hocon + "\n" + (i == 0 ? leaderNodeHocon : ""), cmdPort: -1, tolerant: false);
                o.Port = port;
                o.DataDir = Path.Combine(_root, $"node-{i}");
                return o;
            }).ToList();
            _nodes.Add(await TestNode.StartAsync(options[0]));
            var others = options.Skip(1).Select(o => TestNode.StartAsync(o)).ToList();
            try
            {
                await Task.WhenAll(others);
            }
            finally
            {
                _nodes.AddRange(others.Where(n => n.IsCompletedSuccessfully).Select(n => n.Result));
            }
            foreach (var node in _nodes) MessageTap.On(node.System);
            await Poll.UntilAsync(async () =>
            {
                if (Cluster.Get(Client).State.Members.Count(m => m.Status == MemberStatus.Up) < 3) return false;
                try
                {
                    return (await Leader.Ask<WorkerList>(new ListWorkers(), TimeSpan.FromSeconds(3))).Nodes.Count == 3
                           && (await HyDfs.ListMembersAsync()).Count == 3;
                }
                catch (Exception e) when (e is AskTimeoutException or HyDfsException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(90), "3 nodes up, registered as workers and in the HyDFS ring", 200);
        }

        public async Task<IReadOnlyList<TaskInfo>> TasksAsync() => (await Leader.Ask<TaskList>(new ListTasks(JobId), Ask)).Tasks;

        public async Task<IReadOnlyList<RecoveryProtocol.RecoveryInfo>> RecoveriesAsync() =>
            (await Leader.Ask<RecoveryProtocol.RecoveryList>(new RecoveryProtocol.ListRecoveries(), Ask)).Recoveries.Where(r => r.Task.StartsWith(JobId + "/", StringComparison.Ordinal)).ToList();

        private Task UntilRunningAsync(TimeSpan timeout) => Poll.UntilAsync(async () =>
        {
            var tasks = await TasksAsync();
            return tasks.Count > 0 && tasks.All(t => t.State == "RUNNING") && tasks.Any(t => t.InPerSecond > 0);
        }, timeout, $"every task of {JobId} running", 200);

        /// <summary>Waits until the tap killed the leader's node and its actor system is gone; when.</summary>
        public async Task<DateTime> LeaderKilledAsync()
        {
            var what = await LeaderTap.Killed.WaitAsync(TimeSpan.FromSeconds(90));
            _killedAt = DateTime.UtcNow;
            _output.WriteLine($"{_killedAt:HH:mm:ss.fff} leader's node {LeaderNode.Address} killed at: {what}");
            await LeaderNode.System.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(60));
            return _killedAt;
        }

        /// <summary>Until a new leader answers with the job running and <paramref name="stage"/> at <paramref name="width"/>
        /// tasks (the shape the job table holds), and every task of the job runs again.</summary>
        public async Task NewLeaderTakesOverAsync(int stage, int width)
        {
            JobSummary? job = null;
            await Poll.UntilAsync(async () =>
            {
                try
                {
                    job = (await Leader.Ask<JobList>(new ListJobs(), TimeSpan.FromSeconds(3))).Jobs.SingleOrDefault(j => j.JobId == JobId);
                    return job is not null;
                }
                catch (AskTimeoutException)
                {
                    return false; // no leader yet: the singleton is moving
                }
            }, TimeSpan.FromSeconds(90), "a new leader answering", 250);
            _output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} new leader answers {(DateTime.UtcNow - _killedAt).TotalMilliseconds:0} ms after the kill: " +
                              $"{job!.JobId} {job.Status}, widths {string.Join("/", job.Widths ?? [])}");
            Assert.Equal("RUNNING", job.Status);
            Assert.Equal(width, job.Widths![stage]);
            await UntilRunningAsync(TimeSpan.FromSeconds(90));
            _output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} every task runs again: " +
                              string.Join(", ", (await TasksAsync()).Select(t => $"{t.Task}@{t.Node[^5..]}")));
        }

        /// <summary>Unpaces the job, waits for its end and checks App 1's counts: per key exactly 1..n, each once.</summary>
        public async Task FinishExactAsync()
        {
            Assert.IsType<JobRateSet>(await Leader.Ask<object>(new SetJobRate(JobId, 0), Ask));
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var job = await JobRunner.WaitAsync(Client, Leader, JobId, ct: cts.Token);
            _output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {JobId} {job.Status}: {job.TuplesIn} in, {job.TuplesOut} out");
            foreach (var r in await RecoveriesAsync()) _output.WriteLine("recovery " + ExactlyOnceChecks.Describe(r));
            Assert.Equal("COMPLETED", job.Status);
            var lines = Encoding.UTF8.GetString(await HyDfs.GetAsync(Destination)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            ExactlyOnceChecks.AssertApp1Exact(lines, ExactlyOnceChecks.App1Expected(RuntimeClusterFixture.TrafficSigns()));
        }

        public async ValueTask DisposeAsync()
        {
            // Nothing is left to keep: every node stops as the killed one did, without leaving the cluster (a graceful
            // leave of the last two would hand the leader and the HyDFS replicas over first).
            await Task.WhenAll(_nodes.Select(n => n.System.Terminate()));
            await Task.WhenAll(_nodes.Select(n => n.StopAsync()));
            var logged = new List<string>();
            foreach (var (node, i) in _nodes.Select((n, i) => (n, i)))
            {
                MessageTap.Forget(node.System);
                var log = RuntimeHostingExtensions.LogFile(node.Options);
                if (!File.Exists(log)) continue;
                var lines = await File.ReadAllLinesAsync(log);
                logged.AddRange(lines);
                var interesting = lines.Where(l => l.Contains("job-master", StringComparison.Ordinal) || l.Contains("Re-attach", StringComparison.Ordinal)
                    || l.Contains("Leader started", StringComparison.Ordinal) || l.Contains("job table", StringComparison.Ordinal)
                    || l.Contains(" ERROR ", StringComparison.Ordinal) || l.Contains("unexpected edge", StringComparison.Ordinal)).TakeLast(60);
                _output.WriteLine($"--- node {i} {node.Address} ---\n{string.Join('\n', interesting)}");
            }
            try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
            SerializationFailures.ThrowIfAny(logged);
        }
    }
}
