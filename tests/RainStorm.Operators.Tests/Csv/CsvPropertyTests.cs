using CsCheck;
using RainStorm.Operators.Csv;
using RainStorm.Operators.Tests.Support;

namespace RainStorm.Operators.Tests.Csv;

public sealed class CsvPropertyTests
{
    // Characters that matter to CSV, plus ordinary and non-ASCII ones.
    private static readonly Gen<string> Field = Gen.String[Gen.Char["ab ,\"\r\n\t\uFEFFé€x"], 0, 12];
    private static readonly Gen<string[]> Record = Field.Array[1, 8];

    [Fact]
    public void Fields_with_commas_quotes_and_newlines_round_trip_through_quoting_and_reading()
    {
        Record.Sample(fields =>
        {
            var line = CsvWriter.Join(fields);
            Assert.Equal(fields, CsvLine.Split(line));
        }, iter: 20_000);
    }

    [Fact]
    public void Written_fields_read_back_the_same_with_the_reference_reader()
    {
        Record.Sample(fields => Assert.Equal(fields, ReferenceCsv.Fields(CsvWriter.Join(fields))), iter: 5_000);
    }

    [Fact]
    public void Any_line_reads_like_the_reference_reader()
    {
        Gen.String[Gen.Char["a,\"\n\uFEFF "], 0, 30].Sample(line => Assert.Equal(ReferenceCsv.Fields(line), CsvLine.Split(line)), iter: 20_000);
    }

    [Fact]
    public void Seeking_a_field_by_index_finds_what_enumerating_finds()
    {
        // Long enough lines to cross several vector blocks, with the characters that change field boundaries.
        Gen.String[Gen.Char["a,,\"\"\uFEFF x"], 0, 90].Sample(line =>
        {
            var fields = CsvLine.Split(line);
            for (var i = 0; i <= fields.Count; i++)
            {
                var found = CsvLine.TryGetField(line, i, out var field);
                Assert.Equal(i < fields.Count, found);
                if (found) Assert.Equal(fields[i], field.ToString());
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Finding_all_field_starts_in_one_pass_finds_what_enumerating_finds()
    {
        Gen.Select(Gen.String[Gen.Char["a,,\"\"\uFEFF x"], 0, 90], Gen.Int[0, 12]).Sample((line, wanted) =>
        {
            var fields = CsvLine.Split(line);
            Span<int> starts = stackalloc int[wanted];
            var found = CsvLine.FieldStarts(line, starts);
            Assert.Equal(Math.Min(wanted, fields.Count), found);
            for (var i = 0; i < found; i++) Assert.Equal(fields[i], CsvLine.FieldStartingAt(line, starts[i]).ToString());
        }, iter: 20_000);
    }

    [Fact]
    public void Seeking_fields_on_the_traffic_sign_file_matches_the_reference_reader()
    {
        Span<int> starts = stackalloc int[21];
        foreach (var line in TrafficSigns.Lines)
        {
            var fields = ReferenceCsv.Fields(line);
            for (var i = 0; i < 21; i++)
            {
                Assert.Equal(i < fields.Count, CsvLine.TryGetField(line, i, out var field));
                if (i < fields.Count) Assert.Equal(fields[i], field.ToString());
            }
            Assert.Equal(Math.Min(21, fields.Count), CsvLine.FieldStarts(line, starts));
        }
    }

    [Fact]
    public void Only_fields_that_need_it_are_quoted()
    {
        Field.Sample(field =>
        {
            var written = CsvWriter.Join([field]);
            var special = field.IndexOfAny([',', '"', '\r', '\n']) >= 0 || field.StartsWith('\uFEFF');
            Assert.Equal(special, written.StartsWith('"'));
            Assert.Equal(written.Length, CsvWriter.FieldLength(field));
        }, iter: 5_000);
    }
}
