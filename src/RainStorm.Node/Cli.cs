using RainStorm.Node.Client;

namespace RainStorm.Node;

/// <summary>Entry point: dispatches to the sub-command named by the first argument.</summary>
public static class Cli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rest = args.Skip(1).ToArray();
        try
        {
            return args.FirstOrDefault() switch
            {
                "node" => await NodeCommand.RunAsync(rest),
                "local" => await Local.LocalCommand.RunAsync(rest),
                "op" => await OpCommand.RunAsync(rest),
                "-h" or "--help" => Usage(),
                // Anything else talks to a node's command endpoint: rainstorm [host:port] [command …]
                _ => await ClientCommand.RunAsync(args),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"rainstorm: {e.Message}");
            return 2;
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("""
            usage: rainstorm local [--nodes N] [--cmd-port C] [--http-port H] [--data DIR] [--operators DIR] [--demo [--lines L] | job line]
                   rainstorm node --port P [--host H] [--seed host:port ...] [--roles leader,worker,hydfs] [--cmd-port C]
                          [--http-host H] [--http-port H] [--data DIR]   (dashboard on 127.0.0.1:9120; -1 = off)
                   rainstorm [host:port] [command ...]   (default 127.0.0.1:9110; no command = interactive prompt)
                   rainstorm op <Filter|Transform|AggregateByKey> <arg>      (built-in operator as a filter: stdin -> stdout)
            """);
        return 2;
    }
}
