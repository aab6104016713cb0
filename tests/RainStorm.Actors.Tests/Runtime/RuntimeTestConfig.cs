using Akka.Configuration;
using RainStorm.Actors.Hosting;

namespace RainStorm.Actors.Tests.Runtime;

/// <summary>The shipped defaults on a local (non-cluster) test system, with transport timings given by each test.</summary>
public static class RuntimeTestConfig
{
    public static Config Local(string extra = "") => ConfigurationFactory.ParseString($"""
        akka.actor.provider = local
        akka.loglevel = INFO
        {extra}
        """).WithFallback(RainStormHocon.Default);
}
