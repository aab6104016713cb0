using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using RainStorm.Actors.Commands.Hosting;
using RainStorm.Actors.HyDfs;
using RainStorm.Actors.Runtime;

namespace RainStorm.Actors.Hosting;

/// <summary>
/// Embeds a RainStorm node in any .NET host:
/// <c>services.AddAkka("rainstorm", b => b.WithRainStorm(options))</c>.
/// </summary>
public static class RainStormHostingExtensions
{
    public static AkkaConfigurationBuilder WithRainStorm(this AkkaConfigurationBuilder builder, RainStormOptions options)
    {
        Directory.CreateDirectory(options.DataDir);
        var fromOptions = RainStormHocon.OfOptions(options);
        if (!fromOptions.IsEmpty)
            builder.AddHocon(fromOptions, HoconAddMode.Prepend);
        builder.AddHocon(RainStormHocon.DefaultText, HoconAddMode.Append);

        builder
            .WithRemoting(RemoteOptionsOf(options))
            .WithClustering(new ClusterOptions
            {
                Roles = options.Roles.ToArray(),
                SeedNodes = options.Seeds.Select(s => $"{options.Protocol}://{options.SystemName}@{s}").ToArray(),
            });
        if (options.Seeds.Count == 0)
        {
            // The first node joins itself; with port 0 its address is only known once remoting is up.
            builder.AddStartup((system, _) => Cluster.Get(system).Join(Cluster.Get(system).SelfAddress));
        }
        builder.WithHyDfs(options);
        builder.WithRainStormCommandPalettes();
        builder.WithRainStormRuntime(options);
        return builder;
    }

    /// <summary>Binds to <see cref="RainStormOptions.BindHost"/> when given and advertises <see cref="RainStormOptions.Host"/>
    /// (Akka's hostname / public-hostname); mutual TLS when certificates are configured.</summary>
    public static RemoteOptions RemoteOptionsOf(RainStormOptions options)
    {
        var remote = new RemoteOptions
        {
            HostName = options.BindHost ?? options.Host,
            PublicHostName = options.BindHost is null ? null : options.Host,
            Port = options.Port,
        };
        if (options.TlsEnabled)
        {
            remote.EnableSsl = true;
            remote.Ssl = RemoteTls.Create(options);
        }
        return remote;
    }
}
