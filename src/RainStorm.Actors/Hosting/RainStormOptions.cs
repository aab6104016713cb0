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

    /// <summary>Remoting address other nodes use to reach this one (advertised). Loopback unless configured.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Address remoting binds to when it differs from the advertised <see cref="Host"/> (e.g. 0.0.0.0 behind
    /// NAT or inside a container network); null = bind to <see cref="Host"/>.</summary>
    public string? BindHost { get; set; }

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

    /// <summary>Secret every command connection must present (<c>--token</c> / RAINSTORM_TOKEN, the same on node and
    /// client). Required before the command endpoint may bind to a non-loopback address; null = no token.</summary>
    public string? Token { get; set; }

    /// <summary>Mutual TLS for remoting: this node's certificate with its private key (PKCS#12 file), its password and
    /// the cluster CA certificate (PEM) every peer's certificate must chain to. All null = plain TCP.</summary>
    public string? TlsCertificate { get; set; }
    public string? TlsPassword { get; set; }
    public string? TlsCa { get; set; }

    public bool TlsEnabled => TlsCertificate is not null || TlsCa is not null;

    /// <summary>The actor path protocol of this node's remoting (akka.ssl.tcp with TLS).</summary>
    public string Protocol => TlsEnabled ? "akka.ssl.tcp" : "akka.tcp";

    /// <summary>Root of everything this node stores: HyDFS replicas, journal, logs. By default <c>data/node-&lt;port&gt;</c>,
    /// so nodes started from one directory do not share one (a node also locks its directory).</summary>
    public string DataDir
    {
        get => _dataDir ?? Path.Combine("data", $"node-{Port}");
        set => _dataDir = value;
    }

    private string? _dataDir;

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
