using System.Text;
using Akka.Actor;
using RainStorm.Node.Local;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Integration.Tests.Runtime;

/// <summary>One embedded 3-node cluster (real ActorSystems, remoting on loopback, free ports) shared by the runtime
/// tests of a class, with a fresh data directory and operator directory, both deleted afterwards.</summary>
public class RuntimeClusterFixture : IAsyncLifetime
{
    /// <summary>Quiet, quick gossip, and the failure detector tolerant of a loaded machine: no test on an embedded
    /// cluster kills a node, and they run beside the node-failure lane.</summary>
    public const string TestHocon = """
        rainstorm.log.console-level = OFF
        akka.cluster.gossip-interval = 300ms
        akka.cluster.leader-actions-interval = 300ms
        """ + "\n" + TestNode.TolerantFailureDetector;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "rainstorm-runtime-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string _extraHocon;

    public RuntimeClusterFixture() : this("") { }

    /// <param name="extraHocon">Settings a test class needs on top of <see cref="TestHocon"/>.</param>
    protected RuntimeClusterFixture(string extraHocon) => _extraHocon = extraHocon;

    public LocalCluster Cluster { get; private set; } = null!;
    public string OperatorDir => Path.Combine(_root, "operators");
    public string Root => _root;

    public async Task InitializeAsync()
    {
        _ = TrafficSigns(); // a missing data file stops the class here, before any node starts
        Directory.CreateDirectory(OperatorDir);
        Cluster = await LocalCluster.StartAsync(3, Path.Combine(_root, "nodes"), cmdPort: -1, OperatorDir, TestHocon + "\n" + _extraHocon, TimeSpan.FromSeconds(90));
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null) await Cluster.DisposeAsync();
        List<string> logged = Cluster is null ? [] : LogLines();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a stopping node; the temp dir is cleaned by the OS eventually.
        }
        SerializationFailures.ThrowIfAny(logged);
    }

    /// <summary>Uploads a local file under <paramref name="name"/> unless HyDFS already has it.</summary>
    public Task UploadAsync(string name, string localPath) => JobRunner.EnsureSourceAsync(Cluster.HyDfs, name, localPath);

    public async Task<JobSummary> RunAsync(string jobLine, TimeSpan timeout)
    {
        var jobId = await JobRunner.SubmitAsync(Cluster.Leader, jobLine);
        using var cts = new CancellationTokenSource(timeout);
        return await JobRunner.WaitAsync(Cluster.First, Cluster.Leader, jobId, ct: cts.Token);
    }

    public async Task<string[]> ReadLinesAsync(string name) =>
        Encoding.UTF8.GetString(await Cluster.HyDfs.GetAsync(name)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public Task<T> AskLeaderAsync<T>(object request) => Cluster.Leader.Ask<T>(request, TimeSpan.FromSeconds(30));

    /// <summary>Every line the nodes have logged so far (their log files are written asynchronously).</summary>
    public List<string> LogLines() => Cluster.Options.Select(Actors.Runtime.RuntimeHostingExtensions.LogFile).Where(File.Exists)
        .SelectMany(path =>
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }).ToList();

    /// <summary>Writes an executable shell script into the operator directory.</summary>
    public void WriteOperator(string name, string body) => Support.OperatorScript.Write(OperatorDir, name, body);

    /// <summary>tests/data/Traffic_Signs.csv of this repository.</summary>
    public static string TrafficSigns() => RainStorm.TestData.RepositoryData.TrafficSigns;
}
