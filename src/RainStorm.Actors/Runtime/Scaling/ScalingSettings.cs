using Akka.Actor;
using Akka.Configuration;

namespace RainStorm.Actors.Runtime.Scaling;

/// <summary>The <c>rainstorm.scaling</c> section of the configuration (the autoscaler's timing and bounds).</summary>
public sealed class ScalingSettings
{
    /// <summary>Per-task rates are averaged over this long before the policy acts on them.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>After a rescale, a stage's samples are ignored this long (handoff pauses and backlog catch-up are not
    /// its steady rate).</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A stage shrinks only after its rate stayed below low_wm this long.</summary>
    public TimeSpan ScaleDownWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>No stage shrinks this soon after its job started (tasks start and ramp up).</summary>
    public TimeSpan StartupGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The autoscaler never gives a stage more tasks than this (nor more than the workers' slots).</summary>
    public int MaxTasksPerStage { get; init; } = 32;

    /// <summary>Task slots per worker: a rescale never takes a stage past the slots its workers have free.</summary>
    public int TaskSlotsPerWorker { get; init; } = 64;

    public static ScalingSettings Create(ActorSystem system) => Create(system.Settings.Config.GetConfig("rainstorm.scaling"));

    /// <summary>Missing keys take the defaults above; a value that cannot work is one sentence naming the key.</summary>
    public static ScalingSettings Create(Config? section)
    {
        var defaults = new ScalingSettings();
        if (section is null || section.IsEmpty) return defaults;
        var settings = new ScalingSettings
        {
            Window = Duration(section, "window", defaults.Window),
            Cooldown = Duration(section, "cooldown", defaults.Cooldown),
            ScaleDownWindow = Duration(section, "scale-down-window", defaults.ScaleDownWindow),
            StartupGrace = Duration(section, "startup-grace", defaults.StartupGrace),
            MaxTasksPerStage = section.GetInt("max-tasks-per-stage", defaults.MaxTasksPerStage),
            TaskSlotsPerWorker = section.GetInt("task-slots-per-worker", defaults.TaskSlotsPerWorker),
        };
        if (settings.Window <= TimeSpan.Zero)
            throw new ConfigurationException($"rainstorm.scaling.window is {settings.Window.TotalSeconds:0.###}s; expected a positive duration.");
        if (settings.MaxTasksPerStage < 1)
            throw new ConfigurationException($"rainstorm.scaling.max-tasks-per-stage is {settings.MaxTasksPerStage}; expected at least 1.");
        if (settings.TaskSlotsPerWorker < 1)
            throw new ConfigurationException($"rainstorm.scaling.task-slots-per-worker is {settings.TaskSlotsPerWorker}; expected at least 1.");
        return settings;
    }

    private static TimeSpan Duration(Config section, string key, TimeSpan fallback)
    {
        try
        {
            return section.GetTimeSpan(key, fallback);
        }
        catch (FormatException)
        {
            throw new ConfigurationException($"rainstorm.scaling.{key} is '{section.GetString(key)}'; expected a duration such as 5s.");
        }
    }
}
