using Akka.Actor;
using RainStorm.Integration.Tests.Runtime;
using RainStorm.Node.Local;
using Xunit.Abstractions;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Integration.Tests.Support;

/// <summary>What the node-failure tests share: 4 <c>rainstorm node</c> processes with the traffic-sign source in
/// HyDFS and one job submitted on them, and the choice of the worker node to kill.</summary>
internal static class FailureScenario
{
    private static readonly TimeSpan Ask = TimeSpan.FromSeconds(30);

    public sealed record Run(ProcessCluster Cluster, string Source, string JobId);

    /// <summary>Starts the processes, uploads the source and submits <paramref name="jobLine"/>; the caller disposes
    /// the cluster (every process is killed then, whatever happened).</summary>
    /// <param name="submitKey">The submit's idempotency key.</param>
    /// <param name="clientCmdPort">A command endpoint on the in-process client node, for CLI runs.</param>
    public static async Task<Run> StartAsync(ITestOutputHelper output, string jobLine, string? submitKey = null, int clientCmdPort = -1,
        string? clientHocon = null)
    {
        var source = RuntimeClusterFixture.TrafficSigns(); // a missing data file fails here, before any node starts
        var cluster = await ProcessCluster.StartAsync(4, output, clientCmdPort, clientHocon);
        try
        {
            await JobRunner.EnsureSourceAsync(cluster.HyDfs, "Traffic_Signs.csv", source);
            return new Run(cluster, source, await JobRunner.SubmitAsync(cluster.Leader, jobLine, idempotencyKey: submitKey));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A node other than the leader's whose Transform task already produces output: killing it takes
    /// running work down.</summary>
    public static async Task<string> WorkerProducingOutputAsync(ProcessCluster cluster, string jobId)
    {
        string? victim = null;
        await Poll.UntilAsync(async () =>
        {
            var tasks = (await cluster.Leader.Ask<TaskList>(new ListTasks(jobId), Ask)).Tasks;
            victim = tasks.Where(t => t.Node != cluster.Nodes[0].Address && t.Op == "Transform" && t.OutPerSecond > 0)
                .Select(t => t.Node).FirstOrDefault();
            return victim is not null;
        }, TimeSpan.FromSeconds(60), "a worker node (not the leader's) producing output");
        return victim!;
    }
}
