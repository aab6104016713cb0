using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using RainStorm.Actors.Commands.Views;
using RainStorm.Actors.Runtime.Jobs;
using RainStorm.Actors.Runtime.Scaling;

namespace RainStorm.Node.Http.Api;

/// <summary>A mutating call of the API: its route, and the leader command it sends (the one the CLI sends).
/// <see cref="Run"/> gets the route values, the JSON body (null if none) and the queries to ask the leader with.</summary>
public sealed record DashboardAction(string Name, string Pattern, string Description,
    Func<RouteValueDictionary, JsonObject?, JobQueries, Task<IResult>> Run);

/// <summary>The actions the API offers; each sends the leader request the CLI's command sends (built by <see cref="JobQueries"/>).</summary>
public static class DashboardActions
{
    public static IReadOnlyList<DashboardAction> All { get; } =
    [
        new("kill", "/api/v1/jobs/{id}/kill", "stop a job cleanly (as 'kill <job>')", KillJobAsync),
        new("kill_task", "/api/v1/tasks/kill", "crash one task abruptly (as 'kill_task <node> <pid>'); body {\"node\": \"host:port\", \"pid\": N}", KillTaskAsync),
        new("rescale", "/api/v1/jobs/{id}/rescale", "give an operator stage n tasks while the job runs (as 'rescale <job> <stage> <n>'); body {\"stage\": S, \"tasks\": N}", RescaleAsync),
    ];

    private static async Task<IResult> KillJobAsync(RouteValueDictionary route, JsonObject? body, JobQueries queries)
    {
        var id = (string)route["id"]!;
        if (ReadRoutes.BadJobId(id) is { } bad) return bad;
        if (await queries.JobAsync(id) is null) return ReadRoutes.UnknownJob(id);
        var killed = await queries.KillAsync(id);
        return ApiResults.Json(new JsonObject { ["job"] = killed.JobId, ["status"] = JobStatus.Killed.Wire() });
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
        var killed = await queries.KillTaskAsync(node, pid);
        return ApiResults.Json(new JsonObject { ["task"] = killed.Task, ["status"] = JobStatus.Killed.Wire() });
    }

    private static async Task<IResult> RescaleAsync(RouteValueDictionary route, JsonObject? body, JobQueries queries)
    {
        var id = (string)route["id"]!;
        if (ReadRoutes.BadJobId(id) is { } bad) return bad;
        const string shape = "the body must be {\"stage\": S, \"tasks\": N} with whole numbers: an operator stage as in list_tasks (1..stages) and its new number of tasks (1 or more).";
        int stage, tasks;
        try
        {
            stage = body?["stage"]?.GetValue<int>() ?? 0;
            tasks = body?["tasks"]?.GetValue<int>() ?? 0;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            return ApiResults.BadRequest(shape);
        }
        if (stage <= 0 || tasks <= 0) return ApiResults.BadRequest(shape);
        var maximum = ScalingSettings.Create(queries.System).MaxTasksPerStage;
        if (tasks > maximum) return ApiResults.BadRequest($"at most {maximum} tasks per stage (rainstorm.scaling.max-tasks-per-stage), not {tasks}.");
        if (await queries.JobAsync(id) is not { } job) return ReadRoutes.UnknownJob(id);
        if (stage > job.Stages) return ApiResults.BadRequest($"job {id} has operator stages 1..{job.Stages}; there is no stage {stage}.");
        if (job.Status != JobStatus.Running.Wire()) return ApiResults.Error(StatusCodes.Status409Conflict, $"job {id} already ended ({job.Status}); only a running job is rescaled.");
        // What the leader still refuses depends on the job's state now (starting, draining, mid-rescale, same width).
        return await ApiResults.Guard(async () =>
        {
            var rescaled = await queries.RescaleAsync(id, stage, tasks);
            return ApiResults.Json(new JsonObject
            {
                ["job"] = rescaled.JobId, ["stage"] = rescaled.Stage, ["from"] = rescaled.From, ["to"] = rescaled.To,
                ["took_ms"] = Math.Round(rescaled.Took.TotalMilliseconds),
            });
        }, StatusCodes.Status409Conflict);
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
