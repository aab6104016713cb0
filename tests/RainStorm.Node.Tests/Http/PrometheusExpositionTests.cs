using System.Diagnostics.Metrics;
using RainStorm.Node.Http.History;
using RainStorm.Node.Http.Metrics;

namespace RainStorm.Node.Tests.Http;

public sealed class PrometheusExpositionTests
{
    [Fact]
    public void Renders_help_type_and_one_sample_per_tag_set_of_its_own_meters_only()
    {
        using var mine = new Meter("test.mine." + Guid.NewGuid());
        using var other = new Meter("test.other." + Guid.NewGuid());
        mine.CreateObservableCounter("rainstorm_things_total", () => new[]
        {
            new Measurement<long>(3, new KeyValuePair<string, object?>("job", "job-1"), new KeyValuePair<string, object?>("stage", "1")),
            new Measurement<long>(4, new KeyValuePair<string, object?>("job", "a\"b\\c"), new KeyValuePair<string, object?>("stage", "2")),
        }, null, "Things counted.\nTwo lines.");
        mine.CreateObservableGauge("rainstorm_level", () => 0.25, null, "A level.");
        other.CreateObservableGauge("not_mine", () => 1);
        using var exposition = new PrometheusExposition([mine]);

        var text = exposition.Render();

        Assert.Equal(string.Join('\n',
            "# HELP rainstorm_level A level.",
            "# TYPE rainstorm_level gauge",
            "rainstorm_level 0.25",
            "# HELP rainstorm_things_total Things counted.\\nTwo lines.",
            "# TYPE rainstorm_things_total counter",
            "rainstorm_things_total{job=\"job-1\",stage=\"1\"} 3",
            "rainstorm_things_total{job=\"a\\\"b\\\\c\",stage=\"2\"} 4",
            ""), text);
    }

    [Fact]
    public void The_ring_buffer_keeps_the_last_items_oldest_first()
    {
        var ring = new RingBuffer<int>(3);
        Assert.Empty(ring.ToList());
        foreach (var i in Enumerable.Range(1, 5)) ring.Add(i);
        Assert.Equal([3, 4, 5], ring.ToList());
        Assert.Equal(5, ring.Last);
    }
}
