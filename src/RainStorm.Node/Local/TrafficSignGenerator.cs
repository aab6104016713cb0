using System.Globalization;
using System.Text;

namespace RainStorm.Node.Local;

/// <summary>
/// Writes a CSV shaped like the traffic-sign data set (same 20 columns, header, quoting, similar category and post
/// mix) from a seeded generator, so demos and benchmarks run on data the project makes itself. Same seed, same file.
/// </summary>
public static class TrafficSignGenerator
{
    public const string Header =
        "X,Y,OBJECTID,Sign_Type,Size_,Supplement,Sign_Post,Year_Insta,Category,Notes,MUTCD,Ownership,FACILITYID,Schools,Location_Adjusted,Replacement_Zone,Sign_Text,Set_ID,FieldVerifiedDate,GlobalID";

    private sealed record Category(string Name, int Weight, (string Type, string Mutcd)[] Signs);

    private static readonly Category[] Categories =
    [
        new("Regulatory", 4533, [("Stop", "R1-1"), ("One Way Right", "R6-1R"), ("One Way Left", "R6-1L"), ("Do Not Enter", "R5-1"), ("Speed Limit 30", "R2-1")]),
        new("Parking", 4320, [("No Parking", "R7-1"), ("No Parking to Corner", "HR7-11"), ("Permit Parking Only", "PPO"), ("2 Hour Parking", "R7-108")]),
        new("Streetname", 4147, [("Streetname", "D3-1"), ("Streetname - Mast Arm", "D3-1"), ("Streetname - Assembly", "D3-1")]),
        new("Warning", 668, [("Pedestrian Crossing", "W11-2"), ("No Outlet", "W14-2"), ("Curve Right", "W1-2R"), ("Signal Ahead", "W3-3")]),
        new("School", 485, [("School Crossing", "S1-1"), ("School Speed Limit", "S5-1")]),
        new("Parking Deck", 335, [("Parking Deck Level", "N/A")]),
        new("Custom", 300, [("Neighborhood Watch", "N/A"), ("Push Button to Cross", "R10-3")]),
        new("Guide", 255, [("Hospital", "D9-2"), ("Bike Route", "D11-1")]),
        new("Object Marker", 194, [("Object Marker", "OM1-1")]),
        new(" ", 165, [("Unknown", "N/A")]),
        new("MTD", 160, [("Bus Stop", "MTD")]),
    ];

    private static readonly (string Post, int Weight)[] Posts =
    [
        ("Punched Telespar", 8153), ("Streetlight", 2343), ("Unpunched Telespar", 1897), ("Traffic Signal Mast Arm", 552),
        ("Traffic Signal Standard", 484), (" ", 462), ("Hill Street Parking Deck", 334), ("U-Channel", 294), ("Power Pole", 228),
        ("Push Button Post", 168), ("Wooden Post", 148), ("Old Metal Post", 146),
    ];

    private static readonly string[] Sizes = ["\"12\"\" X 18\"\"\"", "\"30\"\"\"", "\"6\"\" X 30\"\"\"", "\"24\"\" X 30\"\"\"", "\"18\"\" X 24\"\"\"", " "];
    private static readonly string[] Streets = ["Mercury Dr", "N Market St", "W University Ave", "S Neil St", "Kirby Ave", "Prospect Ave", "Green St", "Springfield Ave"];
    private static readonly string[] Owners = ["Champaign", "Champaign", "Champaign", "Champaign", "Champaign", "Champaign", "Champaign", "Champaign", "IDOT", "MTD"];

    /// <summary>Writes the header plus <paramref name="lines"/> records to <paramref name="path"/>.</summary>
    public static void Write(string path, long lines, int seed = 425)
    {
        var random = new Random(seed);
        var categoryTotal = Categories.Sum(c => c.Weight);
        var postTotal = Posts.Sum(p => p.Weight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        writer.WriteLine(Header);
        var line = new StringBuilder(256);
        var guid = new byte[16];
        for (long id = 1; id <= lines; id++)
        {
            var category = Pick(Categories, c => c.Weight, categoryTotal, random);
            var (type, mutcd) = category.Signs[random.Next(category.Signs.Length)];
            var post = Pick(Posts, p => p.Weight, postTotal, random).Post;
            random.NextBytes(guid);
            line.Clear();
            line.Append(CultureInfo.InvariantCulture, $"{-9830000 + random.NextDouble() * 10000:0.########},{4875000 + random.NextDouble() * 15000:0.########},{id},");
            line.Append(type).Append(',').Append(Sizes[random.Next(Sizes.Length)]).Append(", ,").Append(post).Append(',');
            line.Append(2000 + random.Next(20)).Append(',').Append(category.Name).Append(", ,").Append(mutcd).Append(',');
            line.Append(Owners[random.Next(Owners.Length)]).Append(',').Append(id).Append(",,AERIAL,").Append((char)('A' + random.Next(12))).Append(',');
            line.Append(category.Name == "Streetname" ? Streets[random.Next(Streets.Length)] : "").Append(',').Append(id).Append(",,{");
            line.Append(new Guid(guid).ToString().ToUpperInvariant()).Append('}');
            writer.WriteLine(line);
        }
    }

    private static T Pick<T>(T[] items, Func<T, int> weight, int total, Random random)
    {
        var r = random.Next(total);
        foreach (var item in items)
        {
            r -= weight(item);
            if (r < 0) return item;
        }
        return items[^1];
    }
}
