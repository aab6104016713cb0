namespace RainStorm.Node;

/// <summary>The usage text of each sub-command, printed by <c>--help</c> (exit 0) and after a usage mistake.</summary>
public static class Usage
{
    public const string Local = """
        usage: rainstorm local [--nodes N] [--cmd-port C] [--http-port H] [--data DIR] [--operators DIR] [--demo [--lines L] | job line]
          N real nodes (default 3) in this process, each its own actor system with remoting on loopback.
          --demo           generate L traffic-sign records (default 200000), run two demo jobs, print the results, exit
          job line         run one job (a local file named like its source is uploaded first), print its output, exit
          (neither)        an interactive console with the node CLI's command names (type 'help')
          --cmd-port C     command endpoint of node 1 (default 0 = a free port, -1 = off)
          --http-port H    dashboard, REST API and /metrics of node 1 (default 9120, 0 = a free port, -1 = off)
          --data DIR       node data and logs under DIR/node-i (default data/local; refused while another process uses it)
          --operators DIR  the user operator directory (default operators)
        """;

    public const string Node = """
        usage: rainstorm node --port P [--host H] [--bind-host B] [--seed host:port ...] [--roles leader,worker,hydfs] [--cmd-port C]
                      [--cmd-host H --token T] [--http-port H] [--http-host H] [--tls-cert node.p12 --tls-ca ca.pem] [--data DIR] [--operators DIR]
          One cluster node, until Ctrl+C or SIGTERM (then it leaves the cluster cleanly).
          --port P         remoting port (0 = a free port); --host H the address it advertises (default 127.0.0.1)
          --bind-host B    the address remoting binds to (default: --host), e.g. 0.0.0.0 behind an advertised --host
          --seed host:port the remoting address of a node to join (repeatable); none = this node starts a cluster
          --roles          any of leader, worker, hydfs (default all three)
          --cmd-port C     command endpoint (default 9110, 0 = a free port, -1 = off), on --cmd-host (default 127.0.0.1)
          --http-port H    dashboard, REST API and /metrics (default 9120, 0 = a free port, -1 = off), on --http-host (default 127.0.0.1)
          --token T        secret every command connection must present (or RAINSTORM_TOKEN); required for a non-loopback --cmd-host
          --tls-cert F     mutual TLS for remoting: this node's PKCS#12 certificate; --tls-ca F the cluster CA (PEM) peers must chain to
          --data DIR       HyDFS replicas, journal and log (default data/node-<port>; one process per directory)
          --operators DIR  the user operator directory (default operators)
        """;

    public const string Op = """
        usage: rainstorm op <Filter|Transform|AggregateByKey> <arg>
          A built-in operator as a Unix filter: stdin line n is the tuple <stdin:n, line>, each output value is a line.
          e.g. rainstorm op Filter Warning < tests/data/Traffic_Signs.csv | rainstorm op AggregateByKey 8
        """;

    public const string Client = """
               rainstorm [--token T] [host:port] [command ...]   (default 127.0.0.1:9110; no command = interactive prompt; 'help' lists the node's commands)
               rainstorm --version
        """;

    public static string All => string.Join('\n', Local.Split('\n')[0], Node.Split('\n')[0].Replace("usage:", "      "),
        Op.Split('\n')[0].Replace("usage:", "      "), Client);

    public static bool IsHelp(IReadOnlyList<string> args) => args.Count > 0 && args[0] is "--help" or "-h";

    /// <summary>Prints <paramref name="text"/> and returns 0 when <paramref name="args"/> asks for help.</summary>
    public static bool Printed(IReadOnlyList<string> args, string text)
    {
        if (!IsHelp(args)) return false;
        Console.Out.WriteLine(text);
        return true;
    }
}
