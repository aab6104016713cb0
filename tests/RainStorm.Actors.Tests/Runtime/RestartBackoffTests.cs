using Akka.Configuration;
using RainStorm.Actors.Runtime.Recovery;

namespace RainStorm.Actors.Tests.Runtime;

public sealed class RestartBackoffTests
{
    [Fact]
    public void The_first_restart_is_immediate_then_each_waits_twice_as_long_up_to_the_maximum()
    {
        var backoff = new RestartBackoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5));

        var delays = Enumerable.Range(0, 10).Select(n => backoff.Delay(n).TotalMilliseconds).ToArray();

        Assert.Equal([0, 200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000], delays);
        Assert.Equal(TimeSpan.FromSeconds(5), backoff.Delay(int.MaxValue));
    }

    [Fact]
    public void Ten_restarts_of_an_operator_that_always_fails_take_seconds_not_milliseconds()
    {
        var backoff = RestartBackoff.Create(ConfigurationFactory.ParseString(RainStorm.Actors.Hosting.RainStormHocon.DefaultText).GetConfig("rainstorm.recovery"));

        var total = Enumerable.Range(0, 10).Sum(n => backoff.Delay(n).TotalSeconds);

        Assert.Equal(new RestartBackoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5)), backoff);
        Assert.Equal(26.2, total, precision: 6);
    }

    [Fact]
    public void A_zero_first_delay_turns_the_back_off_off() =>
        Assert.Equal(TimeSpan.Zero, new RestartBackoff(TimeSpan.Zero, TimeSpan.FromSeconds(5)).Delay(7));
}
