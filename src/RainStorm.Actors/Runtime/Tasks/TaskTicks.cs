namespace RainStorm.Actors.Runtime.Tasks;

/// <summary>Timer messages of the task actors.</summary>
public static class TaskTicks
{
    /// <summary>Every flush interval: flush partial batches, retry, sample backpressure, pace the source.</summary>
    public sealed class Flush
    {
        public static readonly Flush Instance = new();
        private Flush() { }
    }

    /// <summary>Every report interval: roll the rates and report to the worker.</summary>
    public sealed class Report
    {
        public static readonly Report Instance = new();
        private Report() { }
    }
}
