namespace RainStorm.Actors.Runtime.Metrics;

/// <summary>A dashboard on any node asks every node's <c>/user/node-metrics</c> actor how its tasks spent their time.</summary>
public static class MetricsProtocol
{
    /// <summary>→ <see cref="TaskTimes"/></summary>
    public sealed record GetTaskTimes;
    public sealed record TaskTimes(IReadOnlyList<TaskTime> Tasks);
}
