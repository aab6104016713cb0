using System.Globalization;

namespace RainStorm.Operators.Jobs;

/// <summary>
/// What a job's <c>low_wm</c> / <c>high_wm</c> mean (docs/elastic.md): tuples per second per task (the original spec), or,
/// when <c>0 &lt; low_wm &lt; high_wm &lt;= 1</c>, the fraction of time each task is busy (the original README's
/// <c>0.2 0.8</c>). The job parser and the autoscaler both ask here, so they can never disagree.
/// </summary>
public static class WatermarkRules
{
    public static bool IsBusyFraction(double low, double high) => low > 0 && low < high && high <= 1;

    /// <summary>One sentence naming the fields when the pair cannot drive the autoscaler, else null: a non-positive
    /// high_wm, low_wm above high_wm, or one watermark written as a busy fraction and the other as tuples/s.</summary>
    public static string? Problem(double low, double high)
    {
        if (high <= 0)
            return $"high_wm is '{Show(high)}' while autoscale is on; expected a positive number (tuples per second per task, or a busy fraction up to 1).";
        if (low > high)
            return $"low_wm is '{Show(low)}' but high_wm is '{Show(high)}'; expected low_wm <= high_wm when autoscale is on.";
        if (IsFraction(low) && high > 1)
            return $"low_wm is '{Show(low)}' (a busy fraction) but high_wm is '{Show(high)}' (tuples per second per task); expected both in tuples per second per task, or 0 < low_wm < high_wm <= 1 for busy fractions.";
        return null;
    }

    private static bool IsFraction(double value) => value is > 0 and < 1;

    private static string Show(double value) => value.ToString("0.########", CultureInfo.InvariantCulture);
}
