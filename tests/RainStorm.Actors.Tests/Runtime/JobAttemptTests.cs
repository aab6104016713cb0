using RainStorm.Actors.Runtime.Jobs;
using RainStorm.Operators.Jobs;
using static RainStorm.Actors.Runtime.Protocol.TaskProtocol;

namespace RainStorm.Actors.Tests.Runtime;

/// <summary>The leader's attempt bookkeeping for at-least-once jobs restarted from their source.</summary>
public sealed class JobAttemptTests
{
    private static JobState Job()
    {
        var job = new JobState("job-7", "line", new JobPlan([new("Filter", "x")], 2, "src", "dst", false, false, 0, 0, 0), [false]);
        for (var stage = 0; stage <= 1; stage++)
        for (var i = 0; i < 2; i++)
        {
            var id = new TaskId(job.Id, stage, i, job.Attempt);
            job.Tasks[id] = new TaskState(id, stage == 0 ? "source" : "Filter", "n1") { State = TaskRunStatus.Running };
        }
        return job;
    }

    [Fact]
    public void The_next_attempt_forgets_the_old_tasks_so_their_ids_no_longer_match()
    {
        var job = Job();
        var old = new TaskId("job-7", 1, 0);

        job.NextAttempt();

        Assert.Equal(2, job.Attempt);
        Assert.Empty(job.Tasks);
        Assert.NotEqual(old, old with { Attempt = job.Attempt });
        Assert.NotEqual(old.ToString(), (old with { Attempt = job.Attempt }).ToString());
        Assert.NotEqual(old.EdgeJobId, (old with { Attempt = job.Attempt }).EdgeJobId);
    }

    [Fact]
    public void Adopting_a_reported_attempt_rekeys_every_task_to_it_unattached()
    {
        var job = Job();

        job.AdoptAttempt(4);

        Assert.Equal(4, job.Attempt);
        Assert.Equal(4, job.Tasks.Count);
        Assert.All(job.Tasks, p =>
        {
            Assert.Equal(4, p.Key.Attempt);
            Assert.Equal(p.Key, p.Value.Id);
            Assert.Equal(TaskRunStatus.Recovering, p.Value.State);
            Assert.Null(p.Value.Actor);
        });
        Assert.True(job.Tasks.ContainsKey(new TaskId("job-7", 1, 1, 4)));
    }
}
