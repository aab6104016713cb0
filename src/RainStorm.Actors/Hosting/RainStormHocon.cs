using Akka.Configuration;

namespace RainStorm.Actors.Hosting;

/// <summary>The defaults shipped in hocon/rainstorm.conf (embedded in this assembly).</summary>
public static class RainStormHocon
{
    private static readonly Lazy<string> Text = new(() =>
    {
        using var stream = typeof(RainStormHocon).Assembly.GetManifestResourceStream("RainStorm.Actors.rainstorm.conf")
                           ?? throw new InvalidOperationException("rainstorm.conf is not embedded in RainStorm.Actors.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static string DefaultText => Text.Value;

    /// <summary>A HOCON quoted string holding <paramref name="value"/> exactly.</summary>
    public static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r") + "\"";

    public static Config Default => ConfigurationFactory.ParseString(Text.Value);
}
