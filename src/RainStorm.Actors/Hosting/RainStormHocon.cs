using Akka.Configuration;

namespace RainStorm.Actors.Hosting;

/// <summary>The defaults shipped in hocon/rainstorm.conf (embedded in this assembly), with the bindings of RainStorm's
/// protocol serializers (<see cref="Wire.RainStormSerializers"/>) after it.</summary>
public static class RainStormHocon
{
    private static readonly Lazy<string> Text = new(() =>
    {
        using var stream = typeof(RainStormHocon).Assembly.GetManifestResourceStream("RainStorm.Actors.rainstorm.conf")
                           ?? throw new InvalidOperationException("rainstorm.conf is not embedded in RainStorm.Actors.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd() + "\n" + Wire.RainStormSerializers.Hocon;
    });

    public static string DefaultText => Text.Value;

    /// <summary>A HOCON quoted string holding <paramref name="value"/> exactly.</summary>
    public static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r") + "\"";

    public static Config Default => ConfigurationFactory.ParseString(Text.Value);

    /// <summary>What a node's options add on top of every other HOCON: <see cref="RainStormOptions.ExtraHocon"/>, with
    /// <see cref="RainStormOptions.HttpToken"/> (appsettings / RAINSTORM_HTTPTOKEN) over it.</summary>
    public static Config OfOptions(RainStormOptions options)
    {
        var config = Config.Empty;
        if (options.HttpToken is { Length: > 0 } token)
            config = ConfigurationFactory.ParseString($"rainstorm.http.token = {Quote(token)}");
        if (options.ExtraHocon is { Length: > 0 } extra)
            config = config.WithFallback(ConfigurationFactory.ParseString(extra));
        return config;
    }

    /// <summary>The configuration a node started from <paramref name="options"/> runs with (before an embedding host's
    /// own HOCON), for the checks made before its actor system exists.</summary>
    public static Config Effective(RainStormOptions options) => OfOptions(options).WithFallback(Default);
}
