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
    /// <summary>Checks what the user gave (data directory, ports) in one line each, takes the data directory's lock
    /// (released when the host is disposed) and builds the host; nothing is started yet.</summary>
    /// <param name="configure">More of the actor system's set-up, after RainStorm's (an embedding host's or a test's own).</param>
    public static IHost Build(RainStormOptions options, Action<AkkaConfigurationBuilder>? configure = null)
    {
        var dataLock = DataDirectoryLock.Acquire(options.DataDir);
        try
        {
            RemotingPortCheck.EnsureFree(options);
            CheckTls(options);
            DashboardServer.EnsureBindable(options);
            var commandListener = CommandHostHostingExtensions.BindEndpoint(options);
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(_ => dataLock); // created (so disposed) by the container
            builder.Services.AddAkka(options.SystemName, akka =>
            {
                akka.WithRainStorm(options).WithCommandHost(commandListener, CommandToken.Of(options)).WithNodeMetrics();
                configure?.Invoke(akka);
            });
            builder.Services.AddDashboard(options);
            var host = builder.Build();
            host.Services.GetRequiredService<DataDirectoryLock>();
            return host;
        }
        catch
        {
            dataLock.Dispose();
            throw;
        }
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
