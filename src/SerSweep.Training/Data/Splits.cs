using SerSweep.Audio.Catalog;
using SerSweep.Core;

namespace SerSweep.Training.Data;

/// <summary>
/// Seeded train/validation/test splits of a labelled item list. The same labels, actors and
/// <see cref="SplitConfig"/> (including its seed) give the same split on every machine.
/// </summary>
public static class Splits
{
    public static DataSplit Create(SplitConfig config, IReadOnlyList<Emotion> labels, IReadOnlyList<int> actors)
    {
        if (labels.Count != actors.Count) throw new ArgumentException("labels and actors must have the same length");
        if (config.ValFraction < 0 || config.TestFraction < 0 || config.ValFraction + config.TestFraction >= 1)
            throw new ArgumentException($"split: val_fraction ({config.ValFraction}) and test_fraction ({config.TestFraction}) must be >= 0 and sum to < 1");
        var all = Enumerable.Range(0, labels.Count).ToArray();
        return config.Policy switch
        {
            SplitPolicy.Stratified => Stratified(config, labels, all),
            SplitPolicy.Speaker => Speaker(config, labels, actors, all),
            SplitPolicy.ActorKFold => ActorKFold(config, labels, actors, all),
            SplitPolicy.StratifiedKFold => StratifiedKFold(config, labels, all),
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.Policy, "unknown split policy"),
        };
    }

    private static DataSplit Stratified(SplitConfig config, IReadOnlyList<Emotion> labels, int[] items)
    {
        var (rest, test) = TakeStratified(items, labels, config.TestFraction, new Random(config.Seed));
        var (train, val) = TakeStratified(rest, labels, config.ValFraction / (1 - config.TestFraction), new Random(config.Seed + 1));
        return new DataSplit(train, val, test, $"stratified: val {config.ValFraction:0.##}, test {config.TestFraction:0.##}, seed {config.Seed}");
    }

    private static DataSplit Speaker(SplitConfig config, IReadOnlyList<Emotion> labels, IReadOnlyList<int> actors, int[] items)
    {
        if (string.IsNullOrWhiteSpace(config.TestActors))
            throw new ArgumentException("split: policy speaker needs test_actors (e.g. \"4\")");
        var testActors = Actors(config.TestActors, "split.test_actors");
        var valActors = string.IsNullOrWhiteSpace(config.ValActors) ? [] : Actors(config.ValActors, "split.val_actors");
        if (testActors.Overlaps(valActors))
            throw new ArgumentException($"split: test_actors ({config.TestActors}) and val_actors ({config.ValActors}) overlap");
        var test = items.Where(i => testActors.Contains(actors[i])).ToArray();
        if (test.Length == 0) throw new ArgumentException($"split: no item belongs to test_actors {config.TestActors}");
        var rest = items.Where(i => !testActors.Contains(actors[i])).ToArray();
        if (valActors.Count > 0)
        {
            var val = rest.Where(i => valActors.Contains(actors[i])).ToArray();
            var train = rest.Where(i => !valActors.Contains(actors[i])).ToArray();
            return new DataSplit(train, val, test, $"speaker: test actors {config.TestActors}, val actors {config.ValActors}");
        }
        var (trainPart, valPart) = TakeStratified(rest, labels, config.ValFraction, new Random(config.Seed));
        return new DataSplit(trainPart, valPart, test, $"speaker: test actors {config.TestActors}, val {config.ValFraction:0.##} of the rest, seed {config.Seed}");
    }

    private static DataSplit ActorKFold(SplitConfig config, IReadOnlyList<Emotion> labels, IReadOnlyList<int> actors, int[] items)
    {
        var distinct = actors.Distinct().Order().ToArray();
        CheckFold(config, distinct.Length, "actors");
        // Actors in a seeded order, dealt round-robin into the folds: with folds == actors this is leave-one-actor-out.
        var order = distinct.ToArray();
        new Random(config.Seed).Shuffle(order);
        var testActors = order.Where((_, i) => i % config.Folds == config.Fold).ToHashSet();
        var test = items.Where(i => testActors.Contains(actors[i])).ToArray();
        var rest = items.Where(i => !testActors.Contains(actors[i])).ToArray();
        var (train, val) = TakeStratified(rest, labels, config.ValFraction, new Random(config.Seed + 1));
        return new DataSplit(train, val, test,
            $"actor k-fold: fold {config.Fold + 1}/{config.Folds}, test actors {string.Join(",", testActors.Order())}, val {config.ValFraction:0.##} of the rest, seed {config.Seed}");
    }

    private static DataSplit StratifiedKFold(SplitConfig config, IReadOnlyList<Emotion> labels, int[] items)
    {
        CheckFold(config, items.Length, "items");
        // Every emotion's items in a seeded order, dealt round-robin into the folds (continuing across emotions, so
        // that fold sizes differ by at most one): each fold holds about 1/folds of every emotion.
        var random = new Random(config.Seed);
        var test = new List<int>();
        var dealt = 0;
        foreach (var group in items.GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var members = group.Order().ToArray();
            random.Shuffle(members);
            foreach (var item in members)
                if (dealt++ % config.Folds == config.Fold) test.Add(item);
        }
        var held = test.ToHashSet();
        var rest = items.Where(i => !held.Contains(i)).ToArray();
        var (train, val) = TakeStratified(rest, labels, config.ValFraction, new Random(config.Seed + 1));
        test.Sort();
        return new DataSplit(train, val, [.. test],
            $"stratified k-fold: fold {config.Fold + 1}/{config.Folds}, val {config.ValFraction:0.##} of the rest, seed {config.Seed}");
    }

    private static void CheckFold(SplitConfig config, int available, string what)
    {
        if (config.Folds < 2 || config.Folds > available)
            throw new ArgumentException($"split: folds ({config.Folds}) must be between 2 and the number of {what} ({available})");
        if (config.Fold < 0 || config.Fold >= config.Folds)
            throw new ArgumentException($"split: fold ({config.Fold}) must be between 0 and folds - 1 ({config.Folds - 1})");
    }

    private static HashSet<int> Actors(string text, string field)
    {
        try
        {
            return ActorSelection.Parse(text).Actors.ToHashSet();
        }
        catch (FormatException e)
        {
            throw new FormatException($"{field}: {e.Message}", e);
        }
    }

    /// <summary>Takes round(fraction x class size) items of every class into the second part; both parts sorted.</summary>
    private static (int[] Kept, int[] Taken) TakeStratified(int[] items, IReadOnlyList<Emotion> labels, double fraction, Random random)
    {
        var kept = new List<int>();
        var taken = new List<int>();
        foreach (var group in items.GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var members = group.Order().ToArray();
            random.Shuffle(members);
            var count = (int)Math.Round(members.Length * fraction, MidpointRounding.AwayFromZero);
            taken.AddRange(members.Take(count));
            kept.AddRange(members.Skip(count));
        }
        kept.Sort();
        taken.Sort();
        return (kept.ToArray(), taken.ToArray());
    }
}
