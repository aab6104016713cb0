using Akka.Actor;

namespace RainStorm.Node.Http;

/// <summary>The <c>rainstorm.http</c> section: the API token (empty = mutating calls refused) and the history the
/// dashboard keeps.</summary>
public sealed record HttpSettings(string? Token, TimeSpan SampleInterval, TimeSpan History)
{
    public static HttpSettings Create(ActorSystem system) => Create(system.Settings.Config);

    public static HttpSettings Create(Akka.Configuration.Config root)
    {
        var config = root.GetConfig("rainstorm.http");
        var token = config?.GetString("token", "") ?? "";
        return new HttpSettings(
            token.Length == 0 ? null : token,
            config?.GetTimeSpan("sample-interval", TimeSpan.FromSeconds(1)) ?? TimeSpan.FromSeconds(1),
            config?.GetTimeSpan("history", TimeSpan.FromMinutes(5)) ?? TimeSpan.FromMinutes(5));
    }

    /// <summary>How many samples the rate history holds.</summary>
    public int HistorySamples => Math.Max(2, (int)(History / SampleInterval));
}
