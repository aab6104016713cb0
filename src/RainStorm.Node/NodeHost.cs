using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RainStorm.Actors.Hosting;
using RainStorm.Node.CommandHost;

namespace RainStorm.Node;

/// <summary>Builds the generic host of one node; `node`, `local` and the tests all start nodes through here.</summary>
public static class NodeHost
{
    public static IHost Build(RainStormOptions options)
    {
        RemotingPortCheck.EnsureFree(options);
        CheckTls(options);
        var commandListener = CommandHostHostingExtensions.BindEndpoint(options);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddAkka(options.SystemName, akka => akka.WithRainStorm(options).WithCommandHost(commandListener, CommandToken.Of(options)));
        return builder.Build();
    }

    /// <summary>Unreadable certificates are one usage line here, not a failure inside the actor system's start-up.</summary>
    private static void CheckTls(RainStormOptions options)
    {
        if (!options.TlsEnabled) return;
        try
        {
            RemoteTls.Create(options);
        }
        catch (RemoteTlsException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
