using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace RainStorm.Node.Http;

/// <summary>The dashboard's page, style and script, embedded in this assembly (Http/Assets) and served as they are.</summary>
public static class StaticAssets
{
    private const string Prefix = "RainStorm.Node.Http.Assets.";

    private static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8", [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8", [".svg"] = "image/svg+xml",
    };

    private static readonly Lazy<Dictionary<string, byte[]>> Files = new(() =>
    {
        var assembly = typeof(StaticAssets).Assembly;
        return assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).ToDictionary(
            n => n[Prefix.Length..],
            n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                return copy.ToArray();
            }, StringComparer.Ordinal);
    });

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Serve("index.html"));
        app.MapGet("/assets/{name}", (string name) => Serve(name));
    }

    private static IResult Serve(string name) =>
        Files.Value.TryGetValue(name, out var bytes) && Types.TryGetValue(Path.GetExtension(name), out var type)
            ? Results.Bytes(bytes, type)
            : Api.ApiResults.NotFound($"no dashboard asset '{name}'.");
}
