using Microsoft.Extensions.Configuration;
using RainStorm.Actors.Hosting;

namespace RainStorm.Node;

/// <summary>
/// Builds a node's options: appsettings.json ("RainStorm" section), then RAINSTORM_* environment
/// variables, then the command line, each overriding the one before.
/// </summary>
public static class NodeArguments
{
    public static RainStormOptions Parse(IReadOnlyList<string> args)
    {
        var options = new RainStormOptions();
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables("RAINSTORM_")
            .Build()
            .Bind(options);
        var seedsFromArgs = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            string Value() => i + 1 < args.Count && !args[i + 1].StartsWith("--")
                ? args[++i]
                : throw new UsageException($"{flag} needs a value.");
            switch (flag)
            {
                case "--host": options.Host = Value(); break;
                case "--bind-host": options.BindHost = Value(); break;
                case "--port": options.Port = Port(flag, Value(), allowZero: true); break;
                case "--seed": seedsFromArgs.Add(Seed(Value())); break;
                case "--roles": options.Roles = Roles(Value()); break;
                case "--cmd-host": options.CmdHost = Value(); break;
                case "--cmd-port": options.CmdPort = Port(flag, Value(), allowZero: true, allowDisabled: true); break;
                case "--http-host": options.HttpHost = Value(); break;
                case "--http-port": options.HttpPort = Port(flag, Value(), allowZero: true, allowDisabled: true); break;
                case "--data": options.DataDir = Value(); break;
                case "--operators": options.OperatorDir = Value(); break;
                case "--token": options.Token = Value(); break;
                case "--tls-cert": options.TlsCertificate = Value(); break;
                case "--tls-ca": options.TlsCa = Value(); break;
                default: throw new UsageException($"unknown option '{flag}' (expected --host, --bind-host, --port, --seed, --roles, --cmd-host, --cmd-port, --http-host, --http-port, --token, --tls-cert, --tls-ca, --data, --operators).");
            }
        }
        if (seedsFromArgs.Count > 0) options.Seeds = seedsFromArgs;
        return options;
    }

    private static int Port(string flag, string value, bool allowZero = false, bool allowDisabled = false)
    {
        if (int.TryParse(value, out var port) && (port is >= 1 and <= 65535 || (allowZero && port == 0) || (allowDisabled && port == -1)))
            return port;
        throw new UsageException($"{flag} '{value}' is not a port number (1-65535{(allowZero ? ", 0 = any free port" : "")}{(allowDisabled ? ", -1 = off" : "")}).");
    }

    private static string Seed(string value)
    {
        try
        {
            var (host, port) = RainStormOptions.ParseHostPort(value, "--seed");
            return $"{host}:{port}";
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static List<string> Roles(string value)
    {
        var roles = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var unknown = roles.FirstOrDefault(r => !RainStormOptions.AllRoles.Contains(r, StringComparer.OrdinalIgnoreCase));
        if (roles.Count == 0 || unknown is not null)
            throw new UsageException($"--roles '{value}' must be a comma-separated list of {string.Join(", ", RainStormOptions.AllRoles)}.");
        return roles.Select(r => r.ToLowerInvariant()).Distinct().ToList();
    }
}
