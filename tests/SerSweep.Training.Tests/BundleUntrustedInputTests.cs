using System.IO.Compression;
using SerSweep.Core;
using SerSweep.Testing;
using SerSweep.Training.Bundles;

namespace SerSweep.Training.Tests;

/// <summary>
/// A bundle from outside (a download, an upload, `serve MODEL`) is untrusted input: a real bundle, trained here, rewritten
/// with one more entry (a zip-slip path, an unexpected file), a duplicate or a zip bomb must be refused with the reason
/// before anything of it is used, while the untouched bundle loads.
/// </summary>
public class BundleUntrustedInputTests
{
    private static readonly Lazy<string> Trained = new(() =>
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "model.zip");
        Trainer.RunAsync(new TrainingRequest { Config = SyntheticFeatures.SmallConfig(epochs: 1), Features = SyntheticFeatures.Create(), BundlePath = path })
            .GetAwaiter().GetResult();
        return path;
    });

    /// <summary>A copy of the trained bundle with <paramref name="extra"/> entries appended (name, bytes to write into it).</summary>
    private static string WithEntries(params (string Name, Action<Stream> Write)[] extra)
    {
        var copy = Path.Combine(TestPaths.NewTempDir(), "model.zip");
        File.Copy(Trained.Value, copy);
        using var zip = ZipFile.Open(copy, ZipArchiveMode.Update);
        foreach (var (name, write) in extra)
        {
            using var stream = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
            write(stream);
        }
        return copy;
    }

    private static Action<Stream> Text(string text) => s => s.Write(System.Text.Encoding.UTF8.GetBytes(text));

    [Fact]
    public void The_untouched_bundle_loads() => Assert.Equal(8, ModelBundle.Load(Trained.Value).Classes.Length);

    [Theory]
    [InlineData("../../etc/cron.d/evil")]
    [InlineData("/tmp/evil")]
    [InlineData("notes.txt")]
    [InlineData("sub/weights.pt")]
    public void An_entry_a_bundle_does_not_have_is_refused_by_name(string name)
    {
        var e = Assert.Throws<BundleFormatException>(() => ModelBundle.Load(WithEntries((name, Text("x")))));
        Assert.Contains($"unknown entry '{name}'", e.Message);
    }

    [Fact]
    public void A_second_entry_of_the_same_name_is_refused()
    {
        var e = Assert.Throws<BundleFormatException>(() => ModelBundle.Load(WithEntries(("config.json", Text("{}")))));
        Assert.Contains("entry config.json appears twice", e.Message);
    }

    [Fact]
    public void A_zip_bomb_is_refused_once_it_inflates_past_the_limit()
    {
        // Zeros compress ~1000:1: a file of a few hundred KB that inflates to more than an entry may hold.
        var zeros = new byte[1 << 20];
        var bomb = WithEntries(("cross_validation.json", s =>
        {
            for (long written = 0; written <= ModelBundle.MaxEntryBytes; written += zeros.Length) s.Write(zeros);
        }));
        Assert.True(new FileInfo(bomb).Length < 2 * new FileInfo(Trained.Value).Length + (2 << 20), "the bomb should be small on disk");

        var e = Assert.Throws<BundleFormatException>(() => ModelBundle.Load(bomb));

        Assert.Contains("entry cross_validation.json inflates past the limit", e.Message);
    }
}
