namespace RainStorm.Actors.Hosting;

/// <summary>
/// What one RainStorm node needs to start: where it listens, whom it joins, what it does and where it keeps data.
/// Bound from the command line, the "RainStorm" section of appsettings.json and RAINSTORM_* environment variables.
/// </summary>
public sealed class RainStormOptions
{
    public const string LeaderRole = "leader";
    public const string WorkerRole = "worker";
    public const string HyDfsRole = "hydfs";
    public static readonly IReadOnlyList<string> AllRoles = [LeaderRole, WorkerRole, HyDfsRole];

    /// <summary>Actor system name; every node of one cluster must use the same.</summary>
    public string SystemName { get; set; } = "rainstorm";

    /// <summary>Remoting address. Loopback unless configured.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Remoting port; 0 picks a free one.</summary>
    public int Port { get; set; } = 4053;

    /// <summary>Seed nodes as host:port. Empty means "I am the first node": the node joins itself.</summary>
    public List<string> Seeds { get; set; } = [];

    public List<string> Roles { get; set; } = [.. AllRoles];

    /// <summary>Command endpoint; loopback unless configured. Port 0 picks a free one, -1 disables it.</summary>
    public string CmdHost { get; set; } = "127.0.0.1";
    public int CmdPort { get; set; } = 9110;

    /// <summary>HTTP endpoint (dashboard, REST API, /metrics); loopback unless configured. Port 0 picks a free one, -1
    /// disables it.</summary>
    public string HttpHost { get; set; } = "127.0.0.1";
    public int HttpPort { get; set; } = 9120;

    /// <summary>When set, becomes <c>rainstorm.http.token</c>: the bearer token the HTTP API's mutating calls need.</summary>
    public string? HttpToken { get; set; }

    /// <summary>Root of everything this node stores: HyDFS replicas, logs.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>User operators run only from this directory.</summary>
    public string OperatorDir { get; set; } = "operators";

    /// <summary>Extra HOCON layered over the defaults (tests use it to shorten timeouts).</summary>
    public string? ExtraHocon { get; set; }

    public bool HasRole(string role) => Roles.Contains(role, StringComparer.OrdinalIgnoreCase);

    public string SelfAddress => $"{Host}:{Port}";

    public static (string Host, int Port) ParseHostPort(string value, string what)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1 || !int.TryParse(value[(colon + 1)..], out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"{what} '{value}' is not host:port (port 1-65535).");
        return (value[..colon], port);
    }
}
