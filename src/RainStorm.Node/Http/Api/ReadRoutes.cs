using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using RainStorm.Actors.Commands.Views;
using RainStorm.Actors.Hosting;
using RainStorm.Actors.HyDfs;
using RainStorm.Node.Http.History;

namespace RainStorm.Node.Http.Api;

/// <summary>
/// <c>GET /api/v1/…</c>: the models the CLI renders with <c>-o json</c> (cluster show, list_mem_ids, jobs, job,
/// list_tasks, hydfs files), asked from this node: it asks the leader through the singleton proxy. Never changes anything.
/// </summary>
public static class ReadRoutes
{
    public static void Map(IEndpointRouteBuilder app, ActorSystem system, DashboardHistory history, TimeSpan askTimeout)
    {
        JobQueries Queries(CancellationToken ct) => new(system, askTimeout, ct);
        var api = app.MapGroup("/api/v1");

        api.MapGet("/cluster", (CancellationToken ct) => ApiResults.Guard(async () =>
        {
            var state = Cluster.Get(system).State;
            var ring = await HyDfsClient.For(system).ListMembersAsync(ct);
            return ApiResults.Json(new JsonObject
            {
                ["self"] = NodeName.Of(Cluster.Get(system).SelfAddress),
                ["leader"] = ClusterViews.LeaderNode(state),
                ["members"] = ClusterViews.Members(state).ToJson(),
                ["hydfs_ring"] = ClusterViews.Ring(ring).ToJson(),
            });
        }));

        api.MapGet("/jobs", (CancellationToken ct) => ApiResults.Guard(async () =>
            ApiResults.Json(JobViews.Jobs(await Queries(ct).JobsAsync()).ToJson())));

        api.MapGet("/jobs/{id}", (string id, CancellationToken ct) => ApiResults.Guard(async () =>
            BadJobId(id) ?? (await Queries(ct).DetailAsync(id) is { } detail
                ? ApiResults.Json(detail.ToJson())
                : UnknownJob(id))));

        api.MapGet("/jobs/{id}/tasks", (string id, CancellationToken ct) => ApiResults.Guard(async () =>
        {
            if (BadJobId(id) is { } bad) return bad;
            var queries = Queries(ct);
            if (await queries.JobAsync(id) is null) return UnknownJob(id);
            return ApiResults.Json((await queries.TaskTableAsync(id)).ToJson());
        }));

        api.MapGet("/jobs/{id}/history", (string id, CancellationToken ct) => ApiResults.Guard(async () =>
        {
            if (BadJobId(id) is { } bad) return bad;
            if (history.ToJson(id) is { } json) return ApiResults.Json(json);
            return await Queries(ct).JobAsync(id) is null
                ? UnknownJob(id)
                : ApiResults.Json(new JsonObject { ["job"] = id, ["samples"] = new JsonArray(), ["events"] = new JsonArray() });
        }));

        api.MapGet("/hydfs/files", (CancellationToken ct) => ApiResults.Guard(async () =>
        {
            var hydfs = HyDfsClient.For(system);
            return ApiResults.Json(ClusterViews.Files(await ClusterViews.StoresAsync(hydfs, ct)).ToJson());
        }));

        api.MapFallback((HttpRequest request) => ApiResults.NotFound($"no API endpoint {request.Method} {request.Path}."));
    }

    /// <summary>Job ids are what the leader hands out (<c>job-N</c>); anything else is bad input, not an unknown job.</summary>
    public static IResult? BadJobId(string id) =>
        id.StartsWith("job-", StringComparison.Ordinal) && id.Length > 4 && id[4..].All(char.IsAsciiDigit)
            ? null
            : ApiResults.BadRequest($"'{id}' is not a job id (job ids look like job-1).");

    public static IResult UnknownJob(string id) => ApiResults.NotFound($"no job '{id}'.");
}
