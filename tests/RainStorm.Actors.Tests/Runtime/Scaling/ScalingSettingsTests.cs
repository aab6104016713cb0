using Akka.Actor;
using Akka.Configuration;
using RainStorm.Actors.Runtime.Scaling;

namespace RainStorm.Actors.Tests.Runtime.Scaling;

public sealed class ScalingSettingsTests
{
    [Fact]
    public void The_shipped_rainstorm_scaling_section_is_what_an_actor_system_reads()
    {
        using var system = ActorSystem.Create("scaling-settings", RuntimeTestConfig.Local());

        var settings = ScalingSettings.Create(system);

        Assert.Equal(TimeSpan.FromSeconds(2), settings.Window);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.Cooldown);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.ScaleDownWindow);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.StartupGrace);
        Assert.Equal(32, settings.MaxTasksPerStage);
        Assert.Equal(64, settings.TaskSlotsPerWorker);
    }

    [Fact]
    public void Configured_keys_override_the_defaults_and_missing_ones_keep_them()
    {
        var settings = ScalingSettings.Create(ConfigurationFactory.ParseString("window = 7s\nmax-tasks-per-stage = 5\ntask-slots-per-worker = 9"));

        Assert.Equal(TimeSpan.FromSeconds(7), settings.Window);
        Assert.Equal(5, settings.MaxTasksPerStage);
        Assert.Equal(9, settings.TaskSlotsPerWorker);
        Assert.Equal(new ScalingSettings().Cooldown, settings.Cooldown);
        Assert.Equal(new ScalingSettings().MaxTasksPerStage, ScalingSettings.Create((Config?)null).MaxTasksPerStage);
    }

    [Theory]
    [InlineData("max-tasks-per-stage = 0", "rainstorm.scaling.max-tasks-per-stage is 0; expected at least 1.")]
    [InlineData("task-slots-per-worker = 0", "rainstorm.scaling.task-slots-per-worker is 0; expected at least 1.")]
    [InlineData("window = 0s", "rainstorm.scaling.window is 0s; expected a positive duration.")]
    [InlineData("cooldown = -1s", "rainstorm.scaling.cooldown is '-1s'; expected a duration such as 5s.")]
    [InlineData("startup-grace = soon", "rainstorm.scaling.startup-grace is 'soon'; expected a duration such as 5s.")]
    public void A_value_that_cannot_work_is_one_sentence_naming_the_key(string hocon, string message)
    {
        var e = Assert.Throws<ConfigurationException>(() => ScalingSettings.Create(ConfigurationFactory.ParseString(hocon)));
        Assert.Equal(message, e.Message);
    }
}
