using System.Reflection;
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
                "node" when Usage.Printed(rest, Usage.Node) => 0,
                "local" when Usage.Printed(rest, Usage.Local) => 0,
                "op" when Usage.Printed(rest, Usage.Op) => 0,
                "node" => await NodeCommand.RunAsync(rest),
                "local" => await Local.LocalCommand.RunAsync(rest),
                "op" => await OpCommand.RunAsync(rest),
                "-h" or "--help" => PrintUsage(),
                "--version" => PrintVersion(),
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

    /// <summary>The version this binary was built as (the package version of the dotnet tool).</summary>
    public static string Version =>
        typeof(Cli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static int PrintVersion()
    {
        Console.Out.WriteLine($"rainstorm {Version}");
        return 0;
    }

    private static int PrintUsage()
    {
        Console.Out.WriteLine(Usage.All);
        return 0;
    }
}
