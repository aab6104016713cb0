using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using RainStorm.Integration.Tests.Runtime;
using RainStorm.Integration.Tests.Support;
using RainStorm.Node.Local;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace RainStorm.Integration.Tests.Dashboard;

/// <summary>
/// Three real node processes, each with its HTTP endpoint on a free port; nodes 0 and 1 have the access token
/// <see cref="Token"/>, node 2 none. The traffic-sign file is in HyDFS as Traffic_Signs.csv.
/// </summary>
public sealed class DashboardCluster(IMessageSink sink) : IAsyncLifetime
{
    public const string Token = "dashboard-test-token";
    public const string Source = "Traffic_Signs.csv";

    private sealed class SinkOutput(IMessageSink sink) : ITestOutputHelper
    {
        public void WriteLine(string message) => sink.OnMessage(new DiagnosticMessage(message));
        public void WriteLine(string format, params object[] args) => WriteLine(string.Format(format, args));
    }

    public ProcessCluster Cluster { get; private set; } = null!;
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public Uri Url(int node) => Cluster.Nodes[node].Http ?? throw new InvalidOperationException($"node {node} has no HTTP endpoint");

    public async Task InitializeAsync()
    {
        Cluster = await ProcessCluster.StartAsync(3, new SinkOutput(sink), http: true,
            nodeHocon: i => i < 2 ? $"rainstorm.http.token = \"{Token}\"" : null, tolerant: true);
        await JobRunner.EnsureSourceAsync(Cluster.HyDfs, Source, RuntimeClusterFixture.TrafficSigns());
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Cluster.DisposeAsync();
    }

    public Task<string> SubmitAsync(string jobLine) => JobRunner.SubmitAsync(Cluster.Leader, jobLine, TimeSpan.FromSeconds(30));

    /// <summary>Ends a test's job through the leader (whatever it answers: the job may have ended already).</summary>
    public Task KillAsync(string jobId) =>
        Cluster.Leader.Ask<object>(new RainStorm.Actors.Runtime.Protocol.JobCommands.KillJob(jobId), TimeSpan.FromSeconds(30));

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(int node, string path)
    {
        using var response = await Http.GetAsync(new Uri(Url(node), path));
        return (response.StatusCode, await BodyAsync(response));
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(int node, string path, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Url(node), path));
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await BodyAsync(response));
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", $"not JSON ({response.Content.Headers.ContentType}): {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Until the job's tasks all run (every stage at its width), read through node <paramref name="node"/>'s API.</summary>
    public Task WaitRunningAsync(int node, string jobId, int tasks) => Poll.UntilAsync(async () =>
    {
        var (status, body) = await GetAsync(node, $"/api/v1/jobs/{jobId}/tasks");
        return status == HttpStatusCode.OK && body.GetArrayLength() == tasks
               && body.EnumerateArray().All(t => t.GetProperty("state").GetString() == "RUNNING");
    }, TimeSpan.FromSeconds(90), $"{tasks} running tasks of {jobId}", 500);

    public Task<JsonElement> WaitEndedAsync(int node, string jobId) => WaitStatusAsync(node, jobId, s => s != "RUNNING");

    public async Task<JsonElement> WaitStatusAsync(int node, string jobId, Func<string, bool> done)
    {
        JsonElement job = default;
        await Poll.UntilAsync(async () =>
        {
            var (status, body) = await GetAsync(node, $"/api/v1/jobs/{jobId}");
            job = body;
            return status == HttpStatusCode.OK && done(body.GetProperty("status").GetString()!);
        }, TimeSpan.FromSeconds(180), $"{jobId} to reach the expected status", 500);
        return job;
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardCluster>
{
    public const string Name = "dashboard cluster";
}
