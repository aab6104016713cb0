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
