using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace RainStorm.Node.Http.Metrics;

/// <summary>
/// Renders the observable instruments of the given meters in the Prometheus text format (version 0.0.4): one HELP
/// and TYPE line per metric, then a sample per tag set. Instrument names are already Prometheus names; observable
/// counters become <c>counter</c>, everything else <c>gauge</c>. One scrape at a time (a lock): the listener
/// collects synchronously into one buffer.
/// </summary>
public sealed class PrometheusExposition : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly MeterListener _listener = new();
    private readonly object _lock = new();
    private readonly List<Instrument> _instruments = [];
    private Dictionary<Instrument, List<(double Value, string Labels)>>? _collecting;

    public PrometheusExposition(IReadOnlyCollection<Meter> meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!meters.Contains(instrument.Meter)) return;
            lock (_lock) _instruments.Add(instrument);
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    public string Render()
    {
        lock (_lock)
        {
            _collecting = _instruments.ToDictionary(i => i, _ => new List<(double, string)>());
            _listener.RecordObservableInstruments();
            var text = new StringBuilder();
            foreach (var (instrument, samples) in _collecting.OrderBy(i => i.Key.Name, StringComparer.Ordinal))
            {
                text.Append("# HELP ").Append(instrument.Name).Append(' ').Append(EscapeHelp(instrument.Description ?? instrument.Name)).Append('\n');
                text.Append("# TYPE ").Append(instrument.Name).Append(' ').Append(instrument is ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double> ? "counter" : "gauge").Append('\n');
                foreach (var (value, labels) in samples)
                    text.Append(instrument.Name).Append(labels).Append(' ').Append(Number(value)).Append('\n');
            }
            _collecting = null;
            return text.ToString();
        }
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_collecting is null || !_collecting.TryGetValue(instrument, out var samples)) return;
        if (tags.Length == 0)
        {
            samples.Add((value, ""));
            return;
        }
        var labels = new StringBuilder("{");
        for (var i = 0; i < tags.Length; i++)
        {
            if (i > 0) labels.Append(',');
            labels.Append(tags[i].Key).Append("=\"").Append(EscapeLabel(Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? "")).Append('"');
        }
        samples.Add((value, labels.Append('}').ToString()));
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static string EscapeHelp(string text) => text.Replace("\\", "\\\\").Replace("\n", "\\n");

    private static string EscapeLabel(string text) => text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    public void Dispose() => _listener.Dispose();
}
