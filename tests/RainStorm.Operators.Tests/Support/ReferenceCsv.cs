using System.Text;

namespace RainStorm.Operators.Tests.Support;

/// <summary>
/// An independent, deliberately simple CSV line reader for checking the product's span-based one: a character-at-a-time
/// state machine with the same line semantics (BOM skipped, an unterminated quote runs to the end of the line, a quote
/// inside an unquoted field and text after a closing quote are kept literally).
/// </summary>
public static class ReferenceCsv
{
    private enum State { FieldStart, Unquoted, Quoted, AfterClosingQuote }

    public static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var state = State.FieldStart;
        var start = line.StartsWith('\uFEFF') ? 1 : 0;
        for (var i = start; i < line.Length; i++)
        {
            var c = line[i];
            switch (state)
            {
                case State.FieldStart when c == '"':
                    state = State.Quoted;
                    break;
                case State.Quoted when c == '"' && i + 1 < line.Length && line[i + 1] == '"':
                    field.Append('"');
                    i++;
                    break;
                case State.Quoted when c == '"':
                    state = State.AfterClosingQuote;
                    break;
                case State.Quoted:
                    field.Append(c);
                    break;
                case not State.Quoted when c == ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    state = State.FieldStart;
                    break;
                default:
                    field.Append(c);
                    if (state == State.FieldStart) state = State.Unquoted;
                    break;
            }
        }
        fields.Add(field.ToString());
        return fields;
    }
}
