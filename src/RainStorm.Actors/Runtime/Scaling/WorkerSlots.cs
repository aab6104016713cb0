namespace RainStorm.Actors.Runtime.Scaling;

/// <summary>
/// The workers' capacity as a bound on a rescale: each worker has <c>rainstorm.scaling.task-slots-per-worker</c> task
/// slots, and every task of every running job on it takes one.
/// </summary>
public static class WorkerSlots
{
    /// <summary>The widest a stage of width <paramref name="width"/> may become: its tasks now plus every worker's
    /// free slots.</summary>
    public static int WidestStage(int width, IEnumerable<int> tasksPerWorker, int slotsPerWorker) =>
        width + tasksPerWorker.Sum(tasks => Math.Max(0, slotsPerWorker - tasks));
}
