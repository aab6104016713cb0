using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RainStorm.Actors.Commands.Execution;

namespace RainStorm.Node.Http.Api;

/// <summary>JSON answers: a model, or an error as one sentence with its status code.</summary>
public static class ApiResults
{
    public static IResult Json(JsonNode node, int status = StatusCodes.Status200OK) =>
        Results.Content(node.ToJsonString(), "application/json", statusCode: status);

    public static IResult Error(int status, string message) => Json(new JsonObject { ["error"] = message }, status);

    public static IResult NotFound(string message) => Error(StatusCodes.Status404NotFound, message);

    public static IResult BadRequest(string message) => Error(StatusCodes.Status400BadRequest, message);

    /// <summary>Runs a handler; what the leader refuses or cannot answer becomes one sentence with its status code.</summary>
    public static async Task<IResult> Guard(Func<Task<IResult>> handler, int refusedStatus = StatusCodes.Status503ServiceUnavailable)
    {
        try
        {
            return await handler();
        }
        catch (CommandFailedException e)
        {
            return Error(refusedStatus, Sentence(e.Message));
        }
    }

    public static string Sentence(string message) => message.EndsWith('.') ? message : message + ".";
}
