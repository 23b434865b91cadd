using SerSweep.Audio.Catalog;
using SerSweep.Core;
using SerSweep.Testing;

namespace SerSweep.Audio.Tests;

public class CatalogTests
{
    [Fact]
    public void Real_root_gives_240_files_with_every_name_field_parsed()
    {
        var catalog = RavdessCatalog.Scan(TestPaths.Ravdess, new CatalogFilter { Actors = ActorSelection.Parse("1-4") });

        Assert.Equal(240, catalog.Entries.Count);
        Assert.Empty(catalog.Problems);
        Assert.Equal([1, 2, 3, 4], catalog.Entries.Select(e => e.Actor).Distinct().Order());
        Assert.All(catalog.Entries.GroupBy(e => e.Actor), g => Assert.Equal(60, g.Count()));
        // 60 files per actor: neutral 4 (normal only), the seven others 8 each (2 intensities x 2 statements x 2 repetitions).
        var perActor = catalog.Entries.Where(e => e.Actor == 1).GroupBy(e => e.Name.Emotion).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(4, perActor[Emotion.Neutral]);
        Assert.All(Emotions.All.Where(e => e != Emotion.Neutral), e => Assert.Equal(8, perActor[e]));
        var first = catalog.Entries.Single(e => e.RelativePath == "Actor_02/03-01-05-02-01-01-02.wav");
        Assert.Equal(new RavdessFileName(Modality.AudioOnly, VocalChannel.Speech, Emotion.Angry, Intensity.Strong, 1, 1, 2), first.Name);
        Assert.Equal(Gender.Female, first.Name.Gender);
        Assert.Equal(Gender.Male, catalog.Entries.First(e => e.Actor == 3).Name.Gender);
        Assert.True(first.Size > 100_000);
    }

    [Fact]
    public void Filters_by_actor_emotion_intensity_and_channel()
    {
        var filter = new CatalogFilter
        {
            Actors = ActorSelection.Parse("1,3-4"),
            Emotions = [Emotion.Happy, Emotion.Sad],
            Intensity = Intensity.Strong,
            VocalChannel = VocalChannel.Speech,
        };

        var catalog = RavdessCatalog.Scan(TestPaths.Ravdess, filter);

        Assert.Equal(3 * 2 * 4, catalog.Entries.Count);
        Assert.All(catalog.Entries, e =>
        {
            Assert.Contains(e.Actor, new[] { 1, 3, 4 });
            Assert.Contains(e.Name.Emotion, new[] { Emotion.Happy, Emotion.Sad });
            Assert.Equal(Intensity.Strong, e.Name.Intensity);
        });
    }

    [Theory]
    [InlineData("1-4", new[] { 1, 2, 3, 4 })]
    [InlineData("1,3,5-8", new[] { 1, 3, 5, 6, 7, 8 })]
    [InlineData(" 2 , 2-3 ", new[] { 2, 3 })]
    [InlineData("24", new[] { 24 })]
    public void Actor_selection_parses_ranges_and_lists(string text, int[] expected) =>
        Assert.Equal(expected, ActorSelection.Parse(text).Actors);

    [Theory]
    [InlineData("", "empty")]
    [InlineData("1-x", "\"1-x\" in actor selection \"1-x\" is not a number")]
    [InlineData("4-1", "runs backwards")]
    [InlineData("0-3", "actor 0 in \"0-3\" is out of range 1..24")]
    [InlineData("25", "actor 25")]
    public void Bad_actor_selection_says_what_is_wrong(string text, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => ActorSelection.Parse(text)).Message);

    [Theory]
    [InlineData("03-01-09-01-01-01-01.wav", "emotion 09 is not 01..08")]
    [InlineData("03-01-01-02-01-01-01.wav", "intensity 02 (strong) does not exist for emotion 01")]
    [InlineData("03-03-01-01-01-01-01.wav", "vocal channel 03")]
    [InlineData("03-01-01-01-01-01-25.wav", "actor 25 is not 01..24")]
    [InlineData("03-01-01-01-01-01.wav", "seven two-digit fields")]
    [InlineData("03-01-0a-01-01-01-01.wav", "seven two-digit fields")]
    [InlineData("readme.txt", "not a .wav file")]
    public void Malformed_names_are_rejected_with_the_field(string name, string error)
    {
        Assert.False(RavdessFileName.TryParse(name, out _, out var actual));
        Assert.Contains(error, actual);
    }

    [Fact]
    public void Bad_names_wrong_folders_and_missing_actors_are_reported_not_thrown()
    {
        var root = TestPaths.NewTempDir();
        var actor1 = Directory.CreateDirectory(Path.Combine(root, "Actor_01")).FullName;
        File.WriteAllBytes(Path.Combine(actor1, "03-01-03-01-01-01-01.wav"), [1]);
        File.WriteAllBytes(Path.Combine(actor1, "03-01-03-01-01-01-02.wav"), [1]);
        File.WriteAllBytes(Path.Combine(actor1, "03-01-99-01-01-01-01.wav"), [1]);
        File.WriteAllBytes(Path.Combine(actor1, "notes.txt"), [1]);

        var catalog = RavdessCatalog.Scan(root, new CatalogFilter { Actors = ActorSelection.Parse("1-2") });

        Assert.Equal(["Actor_01/03-01-03-01-01-01-01.wav"], catalog.Entries.Select(e => e.RelativePath));
        Assert.Equal(4, catalog.Problems.Count);
        Assert.Contains(catalog.Problems, p => p.Path == "Actor_01/03-01-03-01-01-01-02.wav" && p.Reason.Contains("actor 2 but the file is in Actor_01"));
        Assert.Contains(catalog.Problems, p => p.Path == "Actor_01/03-01-99-01-01-01-01.wav" && p.Reason.Contains("emotion 99"));
        Assert.Contains(catalog.Problems, p => p.Path == "Actor_01/notes.txt");
        Assert.Contains(catalog.Problems, p => p.Path.EndsWith("Actor_02") && p.Reason.Contains("actor 2 is missing"));
    }

    [Fact]
    public void Missing_root_is_a_clear_error() =>
        Assert.Contains("/no/such/ravdess does not exist",
            Assert.Throws<DirectoryNotFoundException>(() => RavdessCatalog.Scan("/no/such/ravdess", new CatalogFilter())).Message);

    [Fact]
    public void Fingerprint_changes_when_content_changes_and_not_otherwise()
    {
        var root = TestPaths.NewTempDir();
        var actor = Directory.CreateDirectory(Path.Combine(root, "Actor_01")).FullName;
        var file = Path.Combine(actor, "03-01-03-01-01-01-01.wav");
        File.WriteAllBytes(file, [1, 2, 3]);
        var filter = new CatalogFilter { Actors = ActorSelection.Parse("1") };

        var before = RavdessCatalog.Scan(root, filter).Fingerprint();
        var again = RavdessCatalog.Scan(root, filter).Fingerprint();
        File.WriteAllBytes(file, [1, 2, 4]); // same size, other content
        var edited = RavdessCatalog.Scan(root, filter).Fingerprint();

        Assert.Equal(before, again);
        Assert.NotEqual(before, edited);
    }
}
