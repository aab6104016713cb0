using static RainStorm.Actors.Runtime.Protocol.JobCommands;
using RainStorm.Integration.Tests.Support;

namespace RainStorm.Integration.Tests.Runtime;

/// <summary>Bad job lines are refused with the parser's or the leader's one-line message, and nothing starts.</summary>
[Collection(ClusterLane.Name)]
public sealed class BadJobTests(RuntimeClusterFixture fixture) : IClassFixture<RuntimeClusterFixture>
{
    [Theory]
    [InlineData("RainStorm 2 3 Frobnicate x AggregateByKey 8 Traffic_Signs.csv bad1 false false 0 0 0", "Frobnicate")]
    [InlineData("RainStorm 2 3 Filter x AggregateByKey 8 No_Such_File.csv bad2 false false 0 0 0", "No_Such_File.csv")]
    [InlineData("RainStorm 2 0 Filter x AggregateByKey 8 Traffic_Signs.csv bad3 false false 0 0 0", "Ntasks")]
    [InlineData("RainStorm 2 3 Filter x AggregateByKey 8 Traffic_Signs.csv ../escape false false 0 0 0", "..")]
    [InlineData("RainStorm 2 3 Filter x AggregateByKey 8 Traffic_Signs.csv out1_exists false false 0 0 0", "already exists")]
    public async Task A_bad_job_is_refused_with_a_message_naming_the_problem_and_starts_nothing(string line, string named)
    {
        await fixture.UploadAsync("Traffic_Signs.csv", RuntimeClusterFixture.TrafficSigns());
        await fixture.UploadAsync("out1_exists", RuntimeClusterFixture.TrafficSigns());
        var before = await fixture.AskLeaderAsync<JobList>(new ListJobs());

        var refusal = await Assert.ThrowsAsync<RainStorm.Node.Local.JobRunner.JobRefusedException>(() => fixture.RunAsync(line, TimeSpan.FromSeconds(30)));

        Assert.Contains(named, refusal.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\n", refusal.Message);
        Assert.DoesNotContain("   at ", refusal.Message);
        var after = await fixture.AskLeaderAsync<JobList>(new ListJobs());
        Assert.Equal(before.Jobs.Count, after.Jobs.Count);
        Assert.Empty((await fixture.AskLeaderAsync<TaskList>(new ListTasks(null))).Tasks);
    }
}
