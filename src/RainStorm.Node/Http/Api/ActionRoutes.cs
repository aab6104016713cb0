using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Akka.Actor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using RainStorm.Actors.Commands.Views;

namespace RainStorm.Node.Http.Api;

/// <summary>
/// The mutating calls (<see cref="DashboardActions"/>), all POST, all behind the bearer token of
/// <c>rainstorm.http.token</c>: with no token configured every one answers 403; a missing or wrong token answers 401.
/// <c>GET /api/v1/actions</c> tells the page whether to show live or read-only controls.
/// </summary>
public static class ActionRoutes
{
    public static void Map(IEndpointRouteBuilder app, ActorSystem system, string? token, TimeSpan askTimeout)
    {
        app.MapGet("/api/v1/actions", () => ApiResults.Json(new JsonObject
        {
            ["enabled"] = token is not null,
            ["actions"] = new JsonArray(DashboardActions.All.Select(a => (JsonNode)new JsonObject
            {
                ["name"] = a.Name, ["method"] = "POST", ["path"] = a.Pattern, ["description"] = a.Description,
            }).ToArray()),
        }));

        foreach (var action in DashboardActions.All)
        {
            app.MapPost(action.Pattern, async (HttpRequest request) =>
            {
                if (Refusal(request, token) is { } refused) return refused;
                var (body, error) = await DashboardActions.ReadBodyAsync(request);
                if (error is not null) return ApiResults.BadRequest(error);
                var queries = new JobQueries(system, askTimeout, request.HttpContext.RequestAborted);
                return await ApiResults.Guard(() => action.Run(request.RouteValues, body, queries), StatusCodes.Status409Conflict);
            });
        }
    }

    private static IResult? Refusal(HttpRequest request, string? token)
    {
        if (token is null)
            return ApiResults.Error(StatusCodes.Status403Forbidden,
                "mutating calls are off on this node: no access token is configured (rainstorm.http.token).");
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var given = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
        if (given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token)))
            return null;
        request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiResults.Error(StatusCodes.Status401Unauthorized,
            given is null ? "this call needs the access token: send 'Authorization: Bearer <token>'." : "the access token is wrong.");
    }
}
