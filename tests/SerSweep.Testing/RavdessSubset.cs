namespace SerSweep.Testing;

/// <summary>A private RAVDESS root holding copies of a few real files, for tests that edit data or time out on all 240.</summary>
public static class RavdessSubset
{
    public static readonly string[] Files =
    [
        "Actor_01/03-01-01-01-01-01-01.wav",
        "Actor_01/03-01-05-02-01-01-01.wav",
        "Actor_01/03-01-08-01-02-02-01.wav", // stereo
        "Actor_02/03-01-03-01-02-01-02.wav",
        "Actor_02/03-01-04-02-01-02-02.wav",
        "Actor_04/03-01-04-01-02-01-04.wav",
    ];

    public static string Create()
    {
        var root = TestPaths.NewTempDir("sersweep-ravdess");
        foreach (var file in Files)
        {
            var target = Path.Combine(root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(TestPaths.Ravdess, file), target);
        }
        return root;
    }
}
