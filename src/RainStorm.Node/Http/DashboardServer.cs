using Akka.Actor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RainStorm.Actors.Commands.Execution;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Hosting;
using RainStorm.Node.CommandHost;
using RainStorm.Actors.Runtime.Metrics;
using RainStorm.Node.Http.Api;
using RainStorm.Node.Http.History;
using RainStorm.Node.Http.Metrics;

namespace RainStorm.Node.Http;

/// <summary>
/// The node's HTTP endpoint (Kestrel): the dashboard page, the REST API under <c>/api/v1/</c> and <c>/metrics</c>.
/// Started after the actor system, on <see cref="RainStormOptions.HttpHost"/>:<see cref="RainStormOptions.HttpPort"/>
/// (0 = a free port, -1 = off); the bound address is in <see cref="HttpEndpoint"/>.
/// </summary>
public sealed class DashboardServer(ActorSystem system, RainStormOptions options) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;
    private PrometheusExposition? _exposition;
    private ProcessMetrics? _process;

    /// <summary>Checks before the host is built that the endpoint can be bound, so a taken port or a bad host is one
    /// usage line rather than a failure after the actor system started (Kestrel binds only when the host starts).</summary>
    public static void EnsureBindable(RainStormOptions options)
    {
        if (options.HttpPort < 0) return;
        var address = HostAddress.Resolve(options.HttpHost, "--http-host");
        LoopbackGuard.RequireTokenOffLoopback(address, options.HttpHost, HasHttpToken(options), "the HTTP endpoint", "rainstorm.http.token");
        if (options.HttpPort == 0) return;
        var probe = new System.Net.Sockets.TcpListener(address, options.HttpPort);
        try
        {
            probe.Start();
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw Unbindable(options, e.Message);
        }
        finally
        {
            probe.Stop();
        }
    }

    private static bool HasHttpToken(RainStormOptions options) =>
        HttpSettings.Create(RainStormHocon.Effective(options)).Token is not null;

    private static UsageException Unbindable(RainStormOptions options, string why) =>
        new($"the HTTP endpoint {options.HttpHost}:{options.HttpPort} cannot be bound ({why}); " +
            "choose another with --http-port (0 = any free port, -1 = off).");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.HttpPort < 0) return;
        var settings = HttpSettings.Create(system);
        var history = new DashboardHistory(settings.HistorySamples);
        _process = new ProcessMetrics();
        _exposition = new PrometheusExposition([RuntimeMetrics.For(system).Meter, HyDfsMetrics.For(system).Meter, _process.Meter]);
        var askTimeout = CommandSettings.Create(system).AskTimeout;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(HostAddress.Resolve(options.HttpHost, "--http-host"), options.HttpPort));
        var app = builder.Build();
        StaticAssets.Map(app);
        var exposition = _exposition;
        app.MapGet("/metrics", () => Results.Text(exposition.Render(), PrometheusExposition.ContentType));
        ActionRoutes.Map(app, system, settings.Token, askTimeout);
        ReadRoutes.Map(app, system, history, askTimeout);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw Unbindable(options, e.InnerException?.Message ?? e.Message);
        }
        _app = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        HttpEndpoint.Get(system).Url = new Uri(bound.Replace("[::]", "localhost"));
        system.ActorOf(DashboardSampler.Props(history, settings), "dashboard-sampler");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null) await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        _exposition?.Dispose();
        _process?.Dispose();
    }
}
