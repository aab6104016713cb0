using Akka.Actor;
using Akka.Cluster;
using RainStorm.Actors.Runtime.Leader;
using RainStorm.Actors.Hosting;

namespace RainStorm.Actors.Tests.Runtime.Failover;

/// <summary>The early re-attach decision of a leader that took over: restart unreported tasks only once every worker
/// member of the cluster answered ReportTasks to the end.</summary>
public sealed class ReattachTrackerTests
{
    [Fact]
    public void Decides_only_once_every_worker_member_answered()
    {
        var tracker = new ReattachTracker();
        tracker.OnWorkerMember("127.0.0.1:4001", MemberStatus.Up);
        tracker.OnWorkerMember("127.0.0.1:4002", MemberStatus.Up);

        tracker.OnAnswered("127.0.0.1:4002");
        Assert.False(tracker.EveryWorkerAnswered);
        Assert.Equal(["127.0.0.1:4001"], tracker.Unanswered);

        tracker.OnAnswered("127.0.0.1:4001");
        Assert.True(tracker.EveryWorkerAnswered);
        Assert.Empty(tracker.Unanswered);
    }

    [Fact]
    public void No_worker_member_known_means_no_early_decision()
    {
        var tracker = new ReattachTracker();
        tracker.OnAnswered("127.0.0.1:4001"); // an answer from a node the membership view does not show yet

        Assert.False(tracker.EveryWorkerAnswered);
        Assert.Equal(0, tracker.WorkerMembers);
    }

    [Fact]
    public void A_downed_member_still_counts_until_it_is_removed()
    {
        var tracker = new ReattachTracker();
        tracker.OnWorkerMember("127.0.0.1:4001", MemberStatus.Up);
        tracker.OnWorkerMember("127.0.0.1:4002", MemberStatus.Up);
        tracker.OnAnswered("127.0.0.1:4001");

        tracker.OnWorkerMember("127.0.0.1:4002", MemberStatus.Down);
        Assert.False(tracker.EveryWorkerAnswered);

        tracker.OnWorkerMember("127.0.0.1:4002", MemberStatus.Removed);
        Assert.True(tracker.EveryWorkerAnswered);
        Assert.Equal(1, tracker.WorkerMembers);
    }

    [Fact]
    public void A_node_that_left_must_answer_again_when_it_comes_back()
    {
        var tracker = new ReattachTracker();
        tracker.OnWorkerMember("127.0.0.1:4001", MemberStatus.Up);
        tracker.OnAnswered("127.0.0.1:4001");
        Assert.True(tracker.EveryWorkerAnswered);

        tracker.OnWorkerMember("127.0.0.1:4001", MemberStatus.Removed);
        tracker.OnWorkerMember("127.0.0.1:4001", MemberStatus.Up); // a new incarnation on the same address
        Assert.False(tracker.EveryWorkerAnswered);

        tracker.OnAnswered("127.0.0.1:4001");
        tracker.OnWorkerGone("127.0.0.1:4001"); // its worker agent terminated: the answer no longer holds
        Assert.False(tracker.EveryWorkerAnswered);
    }

    [Fact]
    public void Nodes_are_named_host_colon_port_like_the_workers_name_themselves()
    {
        Assert.Equal("127.0.0.1:4053", NodeName.Of(new Address("akka.tcp", "rainstorm", "127.0.0.1", 4053)));
    }
}
