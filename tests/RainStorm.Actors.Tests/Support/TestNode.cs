using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RainStorm.Actors.Hosting;

namespace RainStorm.Actors.Tests.Support;

/// <summary>One RainStorm node started through the real hosting path (Akka.Hosting + WithRainStorm) in this process.</summary>
public sealed class TestNode : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private TestNode(IHost host, RainStormOptions options)
    {
        _host = host;
        Options = options;
        System = host.Services.GetRequiredService<ActorSystem>();
        var address = Cluster.Get(System).SelfAddress;
        Address = $"{address.Host}:{address.Port}";
    }

    public RainStormOptions Options { get; }
    public ActorSystem System { get; }

    /// <summary>host:port of this node's remoting endpoint.</summary>
    public string Address { get; }

    public static async Task<TestNode> StartAsync(RainStormOptions options, Action<AkkaConfigurationBuilder>? extra = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddAkka(options.SystemName, akka =>
        {
            akka.WithRainStorm(options);
            extra?.Invoke(akka);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new TestNode(host, options);
    }

    /// <summary>Leaves the cluster cleanly and stops the actor system.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _host.StopAsync(timeout.Token);
        }
        finally
        {
            await System.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
            _host.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
