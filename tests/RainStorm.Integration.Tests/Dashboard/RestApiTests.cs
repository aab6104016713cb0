using System.Net;
using System.Text.Json;
using RainStorm.Integration.Tests.Support;

namespace RainStorm.Integration.Tests.Dashboard;

/// <summary>The REST API on three node processes: every endpoint from every node, the CLI's models, status codes for
/// unknown ids and bad input, and mutating calls refused without the token and working with it.</summary>
[Collection(DashboardCollection.Name)]
public sealed class RestApiTests(DashboardCluster dash)
{
    private const int Nodes = 3;

    [Fact]
    public async Task Every_node_answers_every_read_endpoint_for_the_whole_cluster()
    {
        var jobId = await dash.SubmitAsync("RainStorm 2 3 Filter Sign AggregateByKey 3 Traffic_Signs.csv rest_out false false 150 0 0");
        try
        {
            await dash.WaitRunningAsync(2, jobId, 9);
            var addresses = dash.Cluster.Nodes.Select(n => n.Address).Order().ToList();
            for (var node = 0; node < Nodes; node++)
            {
                var (status, cluster) = await dash.GetAsync(node, "/api/v1/cluster");
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Equal(dash.Cluster.Nodes[node].Address, cluster.GetProperty("self").GetString());
                Assert.Equal(dash.Cluster.Nodes[0].Address, cluster.GetProperty("leader").GetString());
                var members = cluster.GetProperty("members").EnumerateArray()
                    .Where(m => m.GetProperty("roles").GetArrayLength() > 0).ToList(); // the test's client node has no roles
                Assert.Equal(addresses, members.Select(m => m.GetProperty("address").GetString()!).Order());
                Assert.All(members, m => Assert.Equal("Up", m.GetProperty("status").GetString()));
                Assert.Equal(addresses, cluster.GetProperty("hydfs_ring").EnumerateArray().Select(m => m.GetProperty("node").GetString()!).Order());

                var (jobsStatus, jobs) = await dash.GetAsync(node, "/api/v1/jobs");
                Assert.Equal(HttpStatusCode.OK, jobsStatus);
                var row = jobs.EnumerateArray().Single(j => j.GetProperty("id").GetString() == jobId);
                Assert.Equal(["id", "status", "stages", "tasks", "widths", "in", "out", "elapsed"], row.EnumerateObject().Select(p => p.Name));
                Assert.Equal(9, row.GetProperty("tasks").GetInt32());

                var (jobStatus, job) = await dash.GetAsync(node, $"/api/v1/jobs/{jobId}");
                Assert.Equal(HttpStatusCode.OK, jobStatus);
                Assert.Equal("RUNNING", job.GetProperty("status").GetString());
                Assert.Equal("Traffic_Signs.csv", job.GetProperty("source").GetString());
                var stages = job.GetProperty("stages").EnumerateArray().ToList();
                Assert.Equal(["source", "Filter", "AggregateByKey"], stages.Select(s => s.GetProperty("op").GetString()));
                Assert.All(stages, s => Assert.Equal(3, s.GetProperty("width").GetInt32()));

                var (tasksStatus, tasks) = await dash.GetAsync(node, $"/api/v1/jobs/{jobId}/tasks");
                Assert.Equal(HttpStatusCode.OK, tasksStatus);
                Assert.Equal(9, tasks.GetArrayLength());
                Assert.Equal(["task", "job", "stage", "op", "node", "pid", "state", "in_per_s", "out_per_s", "backpressure", "log"],
                    tasks[0].EnumerateObject().Select(p => p.Name));
                Assert.Equal(addresses, tasks.EnumerateArray().Select(t => t.GetProperty("node").GetString()!).Distinct().Order());

                var (filesStatus, files) = await dash.GetAsync(node, "/api/v1/hydfs/files");
                Assert.Equal(HttpStatusCode.OK, filesStatus);
                var source = files.EnumerateArray().Single(f => f.GetProperty("file").GetString() == DashboardCluster.Source);
                Assert.Equal(new FileInfo(Runtime.RuntimeClusterFixture.TrafficSigns()).Length, source.GetProperty("bytes").GetInt64());
                Assert.Equal(3, source.GetProperty("replicas").GetArrayLength());
            }
        }
        finally
        {
            await dash.KillAsync(jobId);
        }
    }

    [Fact]
    public async Task Unknown_ids_and_bad_input_get_one_sentence_and_the_right_status()
    {
        foreach (var (path, expected) in new[]
                 {
                     ("/api/v1/jobs/job-9999", HttpStatusCode.NotFound), ("/api/v1/jobs/job-9999/tasks", HttpStatusCode.NotFound),
                     ("/api/v1/jobs/job-9999/history", HttpStatusCode.NotFound), ("/api/v1/jobs/not-a-job", HttpStatusCode.BadRequest),
                     ("/api/v1/jobs/not-a-job/tasks", HttpStatusCode.BadRequest), ("/api/v1/no-such-thing", HttpStatusCode.NotFound),
                 })
        {
            var (status, body) = await dash.GetAsync(1, path);
            Assert.Equal(expected, status);
            AssertOneSentence(body);
        }
        var (badBody, error) = await dash.PostAsync(0, "/api/v1/tasks/kill", DashboardCluster.Token, new { node = "nowhere", pid = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, badBody);
        AssertOneSentence(error);
        var (unknownKill, killError) = await dash.PostAsync(0, "/api/v1/jobs/job-9999/kill", DashboardCluster.Token);
        Assert.Equal(HttpStatusCode.NotFound, unknownKill);
        Assert.Equal("no job 'job-9999'.", killError.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Mutating_calls_are_refused_without_the_token_and_kill_task_and_kill_work_with_it()
    {
        var jobId = await dash.SubmitAsync("RainStorm 1 2 Filter Sign Traffic_Signs.csv action_out false false 150 0 0");
        await dash.WaitRunningAsync(0, jobId, 4);

        var (noTokenConfigured, body) = await dash.PostAsync(2, $"/api/v1/jobs/{jobId}/kill", DashboardCluster.Token);
        Assert.Equal(HttpStatusCode.Forbidden, noTokenConfigured);
        AssertOneSentence(body);
        var (_, actions) = await dash.GetAsync(2, "/api/v1/actions");
        Assert.False(actions.GetProperty("enabled").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await dash.PostAsync(0, $"/api/v1/jobs/{jobId}/kill", null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await dash.PostAsync(0, $"/api/v1/jobs/{jobId}/kill", "wrong-token")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await dash.PostAsync(1, "/api/v1/tasks/kill", null, new { node = "127.0.0.1:1", pid = 1 })).Status);
        // Nothing of the refused calls happened.
        Assert.Equal("RUNNING", (await dash.GetAsync(1, $"/api/v1/jobs/{jobId}")).Body.GetProperty("status").GetString());

        var (_, tasks) = await dash.GetAsync(1, $"/api/v1/jobs/{jobId}/tasks");
        var victim = tasks.EnumerateArray().First(t => t.GetProperty("stage").GetInt32() == 1);
        var (killedTask, task) = await dash.PostAsync(1, "/api/v1/tasks/kill", DashboardCluster.Token,
            new { node = victim.GetProperty("node").GetString(), pid = victim.GetProperty("pid").GetInt32() });
        Assert.Equal(HttpStatusCode.OK, killedTask);
        Assert.Equal(victim.GetProperty("task").GetString(), task.GetProperty("task").GetString());
        // An at-least-once job restarts from its source when a task dies: the killed task runs again as a later attempt.
        await Poll.UntilAsync(async () =>
        {
            var (_, now) = await dash.GetAsync(1, $"/api/v1/jobs/{jobId}/tasks");
            return now.EnumerateArray().Any(t => t.GetProperty("task").GetString()!.Contains('#') && t.GetProperty("state").GetString() == "RUNNING");
        }, TimeSpan.FromSeconds(90), "the job running again after kill_task", 500);

        // The dashboard's timeline (kept by node 2, which hosts no leader) shows the restart.
        await Poll.UntilAsync(async () => (await dash.GetAsync(2, $"/api/v1/jobs/{jobId}/history")).Body.GetProperty("events")
            .EnumerateArray().Any(e => e.GetProperty("kind").GetString() == "recovery"), TimeSpan.FromSeconds(30), "a recovery in the timeline", 500);

        var (killed, job) = await dash.PostAsync(1, $"/api/v1/jobs/{jobId}/kill", DashboardCluster.Token);
        Assert.Equal(HttpStatusCode.OK, killed);
        Assert.Equal(jobId, job.GetProperty("job").GetString());
        Assert.Equal("KILLED", (await dash.GetAsync(2, $"/api/v1/jobs/{jobId}")).Body.GetProperty("status").GetString());
        var (again, conflict) = await dash.PostAsync(0, $"/api/v1/jobs/{jobId}/kill", DashboardCluster.Token);
        Assert.Equal(HttpStatusCode.Conflict, again);
        AssertOneSentence(conflict);
    }

    [Fact]
    public async Task Rescale_is_refused_without_the_token_checks_its_input_and_rescales_a_running_stage_with_it()
    {
        var jobId = await dash.SubmitAsync("RainStorm 2 2 Filter Sign AggregateByKey 3 Traffic_Signs.csv rescale_out false false 150 0 0");
        var path = $"/api/v1/jobs/{jobId}/rescale";
        try
        {
            await dash.WaitRunningAsync(0, jobId, 6);
            Assert.Equal(HttpStatusCode.Forbidden, (await dash.PostAsync(2, path, DashboardCluster.Token, new { stage = 2, tasks = 3 })).Status);
            Assert.Equal(HttpStatusCode.Unauthorized, (await dash.PostAsync(0, path, null, new { stage = 2, tasks = 3 })).Status);
            foreach (var (body, expected) in new (object?, HttpStatusCode)[]
                     {
                         (null, HttpStatusCode.BadRequest), (new { stage = "two", tasks = 3 }, HttpStatusCode.BadRequest),
                         (new { stage = 0, tasks = 3 }, HttpStatusCode.BadRequest), (new { stage = 3, tasks = 3 }, HttpStatusCode.BadRequest),
                         (new { stage = 2, tasks = 0 }, HttpStatusCode.BadRequest), (new { stage = 2, tasks = 1000 }, HttpStatusCode.BadRequest),
                         (new { stage = 2.5, tasks = 3 }, HttpStatusCode.BadRequest),
                     })
            {
                var (status, error) = await dash.PostAsync(0, path, DashboardCluster.Token, body);
                Assert.True(expected == status, $"{JsonSerializer.Serialize(body)} answered {status}: {error}");
                AssertOneSentence(error);
            }
            Assert.Equal(HttpStatusCode.NotFound, (await dash.PostAsync(0, "/api/v1/jobs/job-9999/rescale", DashboardCluster.Token, new { stage = 1, tasks = 2 })).Status);
            Assert.Equal(HttpStatusCode.BadRequest, (await dash.PostAsync(0, "/api/v1/jobs/nope/rescale", DashboardCluster.Token, new { stage = 1, tasks = 2 })).Status);
            // Nothing of the refused calls happened.
            var (_, untouched) = await dash.GetAsync(1, $"/api/v1/jobs/{jobId}");
            Assert.Equal(2, untouched.GetProperty("stages")[2].GetProperty("width").GetInt32());
            Assert.Equal(0, untouched.GetProperty("scaling").GetArrayLength());

            JsonElement rescaled = default;
            await Poll.UntilAsync(async () =>
            {
                // The leader answers 409 while the job is still starting its tasks.
                var (status, body) = await dash.PostAsync(1, path, DashboardCluster.Token, new { stage = 2, tasks = 3 });
                rescaled = body;
                Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Conflict, $"rescale answered {status}: {body}");
                return status == HttpStatusCode.OK;
            }, TimeSpan.FromSeconds(60), "the rescale to be accepted", 500);
            Assert.Equal(2, rescaled.GetProperty("stage").GetInt32());
            Assert.Equal(2, rescaled.GetProperty("from").GetInt32());
            Assert.Equal(3, rescaled.GetProperty("to").GetInt32());

            var (_, job) = await dash.GetAsync(2, $"/api/v1/jobs/{jobId}");
            Assert.Equal(3, job.GetProperty("stages")[2].GetProperty("width").GetInt32());
            var decision = Assert.Single(job.GetProperty("scaling").EnumerateArray());
            Assert.Equal(["at", "stage", "op", "from", "to", "by", "reason", "result"], decision.EnumerateObject().Select(p => p.Name));
            Assert.Equal("command", decision.GetProperty("by").GetString());
            Assert.Equal("applied", decision.GetProperty("result").GetString());
            // The timeline of node 2 (no leader there) shows the master's decision.
            await Poll.UntilAsync(async () => (await dash.GetAsync(2, $"/api/v1/jobs/{jobId}/history")).Body.GetProperty("events")
                .EnumerateArray().Any(e => e.GetProperty("kind").GetString() == "rescale" && e.GetProperty("text").GetString()!.Contains("2 -> 3 tasks by command")),
                TimeSpan.FromSeconds(30), "the rescale in the timeline", 500);

            var (same, sameError) = await dash.PostAsync(0, path, DashboardCluster.Token, new { stage = 2, tasks = 3 });
            Assert.Equal(HttpStatusCode.Conflict, same);
            AssertOneSentence(sameError);
        }
        finally
        {
            await dash.KillAsync(jobId);
        }
        var (ended, endedError) = await dash.PostAsync(0, path, DashboardCluster.Token, new { stage = 2, tasks = 2 });
        Assert.Equal(HttpStatusCode.Conflict, ended);
        Assert.Contains("only a running job is rescaled", endedError.GetProperty("error").GetString());
    }

    private static void AssertOneSentence(JsonElement body)
    {
        var message = body.GetProperty("error").GetString()!;
        Assert.EndsWith(".", message);
        Assert.DoesNotContain("\n", message);
        Assert.DoesNotContain("   at ", message);
    }
}
