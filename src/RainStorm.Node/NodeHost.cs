using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RainStorm.Actors.Hosting;
using RainStorm.Node.CommandHost;
using RainStorm.Node.Http;

namespace RainStorm.Node;

/// <summary>Builds the generic host of one node; `node`, `local` and the tests all start nodes through here.</summary>
public static class NodeHost
{
    public static IHost Build(RainStormOptions options)
    {
        RemotingPortCheck.EnsureFree(options);
        DashboardServer.EnsureBindable(options);
        var commandListener = CommandHostHostingExtensions.BindEndpoint(options);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddAkka(options.SystemName, akka => akka.WithRainStorm(options).WithCommandHost(commandListener).WithNodeMetrics());
        builder.Services.AddDashboard(options);
        return builder.Build();
    }
}
