namespace RainStorm.Node.Local;

/// <summary>`rainstorm local [--nodes N] [--cmd-port C] [--http-port H] [--data DIR] [--operators DIR] [--demo [--lines L]] [job line]`.</summary>
public sealed record LocalArguments(int Nodes, int CmdPort, int HttpPort, string DataRoot, string OperatorDir, bool Demo, long DemoLines, string? JobLine)
{
    public const int PreferredHttpPort = 9120;

    /// <summary>9120 when it is free; else a free port, so a second <c>local</c> (or a node on this host) does not stop
    /// the demo. The dashboard's URL is printed either way.</summary>
    private static int DefaultHttpPort()
    {
        try
        {
            var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, PreferredHttpPort);
            probe.Start();
            probe.Stop();
            return PreferredHttpPort;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return 0;
        }
    }

    public static LocalArguments Parse(IReadOnlyList<string> args)
    {
        var nodes = 3;
        var cmdPort = 0;
        int? httpPort = null;
        var data = Path.Combine("data", "local");
        var operators = "operators";
        var demo = false;
        var demoLines = 200_000L;
        var i = 0;
        for (; i < args.Count && args[i].StartsWith("--"); i++)
        {
            var flag = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new UsageException($"{flag} needs a value.");
            switch (flag)
            {
                case "--nodes": nodes = Number(flag, Value(), 1, 16); break;
                case "--cmd-port": cmdPort = Number(flag, Value(), -1, 65535); break;
                case "--http-port": httpPort = Number(flag, Value(), -1, 65535); break;
                case "--data": data = Value(); break;
                case "--operators": operators = Value(); break;
                case "--demo": demo = true; break;
                case "--lines": demoLines = Number(flag, Value(), 1, 100_000_000); break;
                default: throw new UsageException($"unknown option '{flag}' for local (expected --nodes, --cmd-port, --http-port, --data, --operators, --demo, --lines).");
            }
        }
        var rest = args.Skip(i).ToList();
        string? jobLine = rest.Count switch
        {
            0 => null,
            1 => rest[0],
            _ => JobRunner.JoinTokens(rest),
        };
        if (demo && jobLine is not null) throw new UsageException("--demo runs its own jobs; give either --demo or a job line.");
        return new LocalArguments(nodes, cmdPort, httpPort ?? DefaultHttpPort(), data, operators, demo, demoLines, jobLine);
    }

    private static int Number(string flag, string value, int min, int max) =>
        int.TryParse(value, out var n) && n >= min && n <= max ? n : throw new UsageException($"{flag} '{value}' must be a number from {min} to {max}.");
}
