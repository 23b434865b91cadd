using SerSweep.Core;
using SerSweep.Training.Data;

namespace SerSweep.Training.Tests;

public class SplitsTests
{
    // RAVDESS-like: 4 actors x 8 emotions x (neutral 4, others 8) = 4 x 60 = 240 items.
    private static (Emotion[] Labels, int[] Actors) Ravdess240()
    {
        var labels = new List<Emotion>();
        var actors = new List<int>();
        for (var actor = 1; actor <= 4; actor++)
            foreach (var emotion in Emotions.All)
                for (var i = 0; i < (emotion == Emotion.Neutral ? 4 : 8); i++)
                {
                    labels.Add(emotion);
                    actors.Add(actor);
                }
        return (labels.ToArray(), actors.ToArray());
    }

    private static void AssertPartition(DataSplit split, int count)
    {
        var all = split.Train.Concat(split.Val).Concat(split.Test).ToArray();
        Assert.Equal(count, all.Length);
        Assert.Equal(count, all.Distinct().Count());
    }

    [Fact]
    public void Stratified_split_keeps_class_proportions_and_is_seeded()
    {
        var (labels, actors) = Ravdess240();
        var config = new SplitConfig { ValFraction = 0.1, TestFraction = 0.2, Seed = 5 };

        var split = Splits.Create(config, labels, actors);

        AssertPartition(split, 240);
        // per emotion: neutral 16 -> test round(3.2) = 3; others 32 -> test round(6.4) = 6 => 3 + 7 x 6 = 45
        Assert.Equal(45, split.Test.Length);
        Assert.Equal(6, split.Test.Count(i => labels[i] == Emotion.Angry));
        Assert.Equal(split, Splits.Create(config, labels, actors), new SplitComparer());
        Assert.NotEqual(split.Test, Splits.Create(config with { Seed = 6 }, labels, actors).Test);
    }

    [Fact]
    public void Speaker_split_holds_out_the_test_and_validation_actors()
    {
        var (labels, actors) = Ravdess240();
        var split = Splits.Create(new SplitConfig { Policy = SplitPolicy.Speaker, TestActors = "4", ValActors = "3" }, labels, actors);

        AssertPartition(split, 240);
        Assert.All(split.Test, i => Assert.Equal(4, actors[i]));
        Assert.All(split.Val, i => Assert.Equal(3, actors[i]));
        Assert.All(split.Train, i => Assert.InRange(actors[i], 1, 2));
    }

    [Fact]
    public void Speaker_split_without_validation_actors_takes_validation_from_the_training_actors()
    {
        var (labels, actors) = Ravdess240();
        var split = Splits.Create(new SplitConfig { Policy = SplitPolicy.Speaker, TestActors = "1-2", ValFraction = 0.25 }, labels, actors);

        AssertPartition(split, 240);
        Assert.Equal(120, split.Test.Length);
        Assert.All(split.Val.Concat(split.Train), i => Assert.InRange(actors[i], 3, 4));
        Assert.Equal(30, split.Val.Length);
    }

    [Fact]
    public void Actor_k_fold_with_as_many_folds_as_actors_is_leave_one_actor_out()
    {
        var (labels, actors) = Ravdess240();
        var testActors = Enumerable.Range(0, 4).Select(fold =>
        {
            var split = Splits.Create(new SplitConfig { Policy = SplitPolicy.ActorKFold, Folds = 4, Fold = fold }, labels, actors);
            AssertPartition(split, 240);
            var held = split.Test.Select(i => actors[i]).Distinct().Single();
            Assert.DoesNotContain(split.Train.Concat(split.Val), i => actors[i] == held);
            return held;
        }).ToArray();

        Assert.Equal([1, 2, 3, 4], testActors.Order());
    }

    [Fact]
    public void Bad_split_settings_name_the_field()
    {
        var (labels, actors) = Ravdess240();
        Assert.Contains("test_actors", Assert.Throws<ArgumentException>(() => Splits.Create(new SplitConfig { Policy = SplitPolicy.Speaker }, labels, actors)).Message);
        Assert.Contains("fold", Assert.Throws<ArgumentException>(() => Splits.Create(new SplitConfig { Policy = SplitPolicy.ActorKFold, Folds = 4, Fold = 4 }, labels, actors)).Message);
        Assert.Contains("split.test_actors", Assert.Throws<FormatException>(() => Splits.Create(new SplitConfig { Policy = SplitPolicy.Speaker, TestActors = "x" }, labels, actors)).Message);
    }

    private sealed class SplitComparer : IEqualityComparer<DataSplit>
    {
        public bool Equals(DataSplit? a, DataSplit? b) =>
            a!.Train.SequenceEqual(b!.Train) && a.Val.SequenceEqual(b.Val) && a.Test.SequenceEqual(b.Test);

        public int GetHashCode(DataSplit split) => split.Train.Length;
    }

    [Fact]
    public void Stratified_k_fold_tests_each_item_in_exactly_one_fold_with_every_emotion_in_every_fold()
    {
        var (labels, actors) = Ravdess240();
        var tested = new List<int>();
        for (var fold = 0; fold < 5; fold++)
        {
            var split = Splits.Create(new SplitConfig { Policy = SplitPolicy.StratifiedKFold, Folds = 5, Fold = fold, ValFraction = 0.1, Seed = 3 }, labels, actors);
            AssertPartition(split, labels.Length);
            Assert.InRange(split.Test.Length, 47, 49);   // 240 / 5, dealt round-robin
            Assert.Equal(Emotions.All.Order(), split.Test.Select(i => labels[i]).Distinct().Order());
            Assert.Equal(split.Test, Splits.Create(new SplitConfig { Policy = SplitPolicy.StratifiedKFold, Folds = 5, Fold = fold, ValFraction = 0.1, Seed = 3 }, labels, actors).Test);
            tested.AddRange(split.Test);
        }
        Assert.Equal(Enumerable.Range(0, labels.Length), tested.Order());
        Assert.Throws<ArgumentException>(() => Splits.Create(new SplitConfig { Policy = SplitPolicy.StratifiedKFold, Folds = 5, Fold = 5 }, labels, actors));
    }
}
