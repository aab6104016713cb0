using CsCheck;
using RainStorm.Operators.BuiltIn;
using RainStorm.Operators.Contract;
using RainStorm.Operators.Tests.Support;

namespace RainStorm.Operators.Tests.BuiltIn;

public sealed class FilterAndTransformTests
{
    [Fact]
    public void Filter_is_an_ordinal_case_sensitive_substring_match_that_keeps_the_tuple()
    {
        var input = Tuples.FromLines(["a Warning here", "warning", "WARNING", "Warn", "xWarningx", "Wärning"]);
        var outputs = Tuples.Run(new Filter("Warning"), input);
        Assert.Equal([input[0], input[4]], outputs);
    }

    [Fact]
    public void Filter_decides_on_a_lines_bytes_as_on_the_decoded_line_even_with_invalid_utf8()
    {
        // Fragments: ASCII, 2-, 3- and 4-byte characters, and bytes that are no valid UTF-8 on their own.
        byte[][] fragments = [[(byte)'a'], [(byte)'b'], [0xC3, 0xA9], [0xE6, 0x9D, 0xB1], [0xF0, 0x9F, 0x98, 0x80], [0xC3], [0xE6, 0x9D], [0x80], [0xFF]];
        var lines = Gen.Int[0, fragments.Length - 1].Array[0, 12].Select(picks => picks.SelectMany(i => fragments[i]).ToArray());
        var patterns = Gen.String[Gen.OneOfConst('a', 'b', 'é', '東'), 1, 3];
        var utf8 = new System.Text.UTF8Encoding(false, false);
        Gen.Select(lines, patterns).Sample((line, pattern) =>
        {
            var filter = new Filter(pattern);
            Assert.True(filter.MatchesRawLines);
            var decoded = Tuples.Run(filter, [new StreamTuple("k", utf8.GetString(line))]).Count == 1;
            Assert.Equal(decoded, filter.MatchesUtf8(line));
        }, iter: 50_000);
    }

    [Theory]
    [InlineData("\uFFFD")]
    [InlineData("a\uD800")]
    public void A_pattern_an_invalid_byte_could_match_is_matched_on_decoded_lines_only(string pattern)
    {
        var filter = new Filter(pattern);
        Assert.False(filter.MatchesRawLines);
        Assert.Throws<InvalidOperationException>(() => filter.MatchesUtf8([0xFF]));
    }

    [Fact]
    public void Filter_refuses_an_empty_pattern()
    {
        var e = Assert.Throws<OperatorException>(() => new Filter(""));
        Assert.Equal("Filter pattern is empty; expected a non-empty substring to look for.", e.Message);
    }

    [Theory]
    [InlineData("0-2", new[] { 0, 1, 2 })]
    [InlineData("0,3,8", new[] { 0, 3, 8 })]
    [InlineData("8,0", new[] { 8, 0 })]
    [InlineData("1-3,0", new[] { 1, 2, 3, 0 })]
    [InlineData("5", new[] { 5 })]
    [InlineData("2-2", new[] { 2 })]
    [InlineData(" 1 , 2 ", new[] { 1, 2 })]
    public void Column_specs_select_columns_in_the_order_written(string spec, int[] expected)
    {
        Assert.True(ColumnSpec.TryParse(spec, out var columns));
        Assert.Equal(expected, columns);
    }

    [Theory]
    [InlineData("")]
    [InlineData("first three")]
    [InlineData("2-0")]
    [InlineData("-1")]
    [InlineData("1,,2")]
    [InlineData("0-")]
    [InlineData("a-b")]
    [InlineData("99999")]
    public void An_argument_that_is_not_a_spec_means_the_first_three_fields(string arg)
    {
        Assert.False(ColumnSpec.TryParse(arg, out _));
        Assert.Equal([0, 1, 2], new Transform(arg).Columns);
    }

    [Fact]
    public void Transform_keeps_the_key_requotes_fields_and_counts_short_records_as_malformed()
    {
        var transform = new Transform("2,0");
        var input = Tuples.FromLines(["\"a,1\",b,\"c \"\"q\"\"\"", "x,y", "p,q,r,s"]);
        var outputs = Tuples.Run(transform, input);
        Assert.Equal([new StreamTuple("Traffic_Signs.csv:1", "\"c \"\"q\"\"\",\"a,1\""), new StreamTuple("Traffic_Signs.csv:3", "r,p")], outputs);
        Assert.Equal(1, transform.MalformedCount);
    }

    [Fact]
    public void Transform_selects_what_the_reference_reader_reads_for_any_line()
    {
        var lines = Gen.String[Gen.Char["ab,\"\n "], 0, 40];
        var specs = Gen.OneOfConst("0-2", "0,3,8", "2,0", "1", "4-6,0");
        Gen.Select(lines, specs).Sample((line, spec) =>
        {
            var transform = new Transform(spec);
            var fields = ReferenceCsv.Fields(line);
            var output = transform.Select(line);
            if (fields.Count <= transform.Columns.Max()) Assert.Null(output);
            else Assert.Equal(transform.Columns.Select(c => fields[c]), ReferenceCsv.Fields(output!));
        }, iter: 20_000);
    }

    [Fact]
    public void Transform_handles_lines_longer_than_its_buffers()
    {
        var big = new string('z', 5000);
        var outputs = Tuples.Run(new Transform("0-1"), Tuples.FromLines([$"\"{big}\"\"\",{big},{big}"]));
        Assert.Equal($"\"{big}\"\"\",{big}", Assert.Single(outputs).Value);
    }
}
