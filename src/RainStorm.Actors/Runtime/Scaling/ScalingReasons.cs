using System.Globalization;

namespace RainStorm.Actors.Runtime.Scaling;

/// <summary>The human-readable reasons of <see cref="ScalingDecision"/>s, e.g.
/// <c>1,420 tuples/s per task &gt; high_wm 500</c>.</summary>
internal static class ScalingReasons
{
    public static string Above(Watermarks band, double perTask) => $"{Signal(band, perTask)} > high_wm {Number(band.High)}";

    public static string Below(Watermarks band, double perTask, TimeSpan sustained) =>
        $"{Signal(band, perTask)} < low_wm {Number(band.Low)} for {Math.Round(sustained.TotalSeconds):0} s";

    public static string CappedBy(int upper, bool byCapacity) =>
        $"; capped at {upper} ({(byCapacity ? "the workers' free slots" : "rainstorm.scaling.max-tasks-per-stage")})";

    public static string NoWidthInBand(Watermarks band) => $"; no width puts it inside {Number(band.Low)}..{Number(band.High)}";

    private static string Signal(Watermarks band, double perTask) => band.Unit == WatermarkUnit.BusyFraction
        ? $"busy {perTask.ToString("0.00", CultureInfo.InvariantCulture)} per task"
        : $"{Rate(perTask)} tuples/s per task";

    private static string Rate(double value) =>
        value.ToString(value >= 100 ? "#,0" : "#,0.#", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("#,0.########", CultureInfo.InvariantCulture);
}
