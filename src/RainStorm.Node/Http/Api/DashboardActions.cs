using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using RainStorm.Actors.Commands.Views;
using static RainStorm.Actors.Runtime.Protocol.JobCommands;

namespace RainStorm.Node.Http.Api;

/// <summary>A mutating call of the API: its route, and the leader command it sends (the one the CLI sends).
/// <see cref="Run"/> gets the route values, the JSON body (null if none) and the queries to ask the leader with.</summary>
public sealed record DashboardAction(string Name, string Pattern, string Description,
    Func<RouteValueDictionary, JsonObject?, JobQueries, Task<IResult>> Run);

/// <summary>The actions the API offers. A new one (rescale) is one more entry calling its leader command.</summary>
public static class DashboardActions
{
    public static IReadOnlyList<DashboardAction> All { get; } =
    [
        new("kill", "/api/v1/jobs/{id}/kill", "stop a job cleanly (as 'kill <job>')", KillJobAsync),
        new("kill_task", "/api/v1/tasks/kill", "crash one task abruptly (as 'kill_task <node> <pid>'); body {\"node\": \"host:port\", \"pid\": N}", KillTaskAsync),
    ];

    private static async Task<IResult> KillJobAsync(RouteValueDictionary route, JsonObject? body, JobQueries queries)
    {
        var id = (string)route["id"]!;
        if (ReadRoutes.BadJobId(id) is { } bad) return bad;
        if (await queries.JobAsync(id) is null) return ReadRoutes.UnknownJob(id);
        var killed = await queries.AskAsync<JobKilled>(new KillJob(id));
        return ApiResults.Json(new JsonObject { ["job"] = killed.JobId, ["status"] = "KILLED" });
    }

    private static async Task<IResult> KillTaskAsync(RouteValueDictionary route, JsonObject? body, JobQueries queries)
    {
        string? node;
        int pid;
        try
        {
            node = body?["node"]?.GetValue<string>();
            pid = body?["pid"]?.GetValue<int>() ?? 0;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            return ApiResults.BadRequest("the body must be {\"node\": \"host:port\", \"pid\": N} with a string node and a number pid.");
        }
        if (node is null || !node.Contains(':') || pid <= 0)
            return ApiResults.BadRequest("the body must be {\"node\": \"host:port\", \"pid\": N} naming a task from list_tasks.");
        var killed = await queries.AskAsync<TaskKilled>(new KillTask(node, pid));
        return ApiResults.Json(new JsonObject { ["task"] = killed.Task, ["status"] = "KILLED" });
    }

    /// <summary>The request body as a JSON object; null when there is none; a sentence when it is not JSON.</summary>
    public static async Task<(JsonObject? Body, string? Error)> ReadBodyAsync(HttpRequest request)
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding"))) return (null, null);
        try
        {
            var node = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            return node is JsonObject obj ? (obj, null) : (null, "the body must be a JSON object.");
        }
        catch (JsonException)
        {
            return (null, "the body is not valid JSON.");
        }
    }
}
