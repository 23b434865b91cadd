using SerSweep.Core;

namespace SerSweep.Training.Data;

/// <summary>Mean and standard deviation of every feature row (channel x mel bin / coefficient) of one CMVN group.</summary>
public sealed record RowStats(float[] Mean, float[] Std);

/// <summary>
/// Cepstral mean and variance normalisation over groups of items (<c>features.normalize</c>: <c>utterance_cmvn</c>,
/// <c>speaker</c>, <c>speaker_utterance</c>): every feature row of an item becomes (x - mean) / std, mean and
/// population standard deviation taken over the frames of all items of the item's group. A group is a speaker (the
/// actor of a RAVDESS file name in training, a session of one speaker's files at prediction) or, for a negative id,
/// the item alone (per-utterance CMVN). No labels are used, so held-out speakers may be normalised by their own files.
/// Data is row-major [N, rows, width] with rows = channels x height and width = frames.
/// </summary>
public static class Cmvn
{
    /// <summary>A row flatter than this (e.g. an all-silent mel bin) is only centred, not scaled.</summary>
    public const float MinStd = 1e-5f;

    /// <summary>The group id that puts item <paramref name="item"/> in a group of its own.</summary>
    public static int Alone(int item) => -1 - item;

    /// <summary>
    /// The CMVN group of every item of a training run, or null when <paramref name="mode"/> is not a CMVN mode:
    /// <c>utterance_cmvn</c> every item alone; <c>speaker</c> its actor; <c>speaker_utterance</c> its actor, except the
    /// held-out (test) items, normalised alone as prediction will normalise unseen speakers.
    /// </summary>
    public static int[]? TrainingGroups(Normalization mode, int[] actors, int[] heldOut) => mode switch
    {
        Normalization.UtteranceCmvn => [.. actors.Select((_, i) => Alone(i))],
        Normalization.Speaker => [.. actors],
        Normalization.SpeakerUtterance => [.. actors.Select((a, i) => heldOut.Contains(i) ? Alone(i) : a)],
        _ => null,
    };

    /// <summary>
    /// The CMVN group of <paramref name="count"/> items at prediction time, or null when <paramref name="mode"/> is not a
    /// CMVN mode: <c>speaker</c> the caller's sessions (items of one speaker share an id; none = each item alone);
    /// <c>utterance_cmvn</c> and <c>speaker_utterance</c> each item alone.
    /// </summary>
    public static int[]? PredictionGroups(Normalization mode, int count, IReadOnlyList<int>? sessions)
    {
        if (sessions is not null && sessions.Count != count)
            throw new ArgumentException($"{sessions.Count} session ids for {count} items");
        return mode switch
        {
            Normalization.Speaker when sessions is not null => [.. sessions],
            Normalization.UtteranceCmvn or Normalization.Speaker or Normalization.SpeakerUtterance => [.. Enumerable.Range(0, count).Select(Alone)],
            _ => null,
        };
    }

    /// <summary>The statistics of every group of <paramref name="data"/> ([N, rows, width], group of item i = groups[i]).</summary>
    public static Dictionary<int, RowStats> Statistics(ReadOnlySpan<float> data, int rows, int width, IReadOnlyList<int> groups)
    {
        CheckShape(data.Length, rows, width, groups.Count);
        var sums = new Dictionary<int, (double[] Sum, double[] Squares, long Frames)>();
        for (var i = 0; i < groups.Count; i++)
        {
            if (!sums.TryGetValue(groups[i], out var acc)) sums[groups[i]] = acc = (new double[rows], new double[rows], 0);
            var item = data.Slice(i * rows * width, rows * width);
            for (var r = 0; r < rows; r++)
            {
                double sum = 0, squares = 0;
                foreach (var x in item.Slice(r * width, width))
                {
                    sum += x;
                    squares += (double)x * x;
                }
                acc.Sum[r] += sum;
                acc.Squares[r] += squares;
            }
            sums[groups[i]] = acc with { Frames = acc.Frames + width };
        }
        return sums.ToDictionary(g => g.Key, g =>
        {
            var (sum, squares, frames) = g.Value;
            var mean = new float[rows];
            var std = new float[rows];
            for (var r = 0; r < rows; r++)
            {
                var m = sum[r] / frames;
                var s = (float)Math.Sqrt(Math.Max(0, squares[r] / frames - m * m));
                mean[r] = (float)m;
                std[r] = s < MinStd ? 1f : s;
            }
            return new RowStats(mean, std);
        });
    }

    /// <summary>
    /// The average speaker of <paramref name="speakers"/> (row by row, the mean of their means and of their standard
    /// deviations) as [channels, rows] statistics: how a <c>speaker</c> bundle normalises a file whose speaker it has
    /// no other files of, its best guess of an unknown speaker's statistics.
    /// </summary>
    public static NormalizationStats AverageSpeaker(IReadOnlyDictionary<int, RowStats> stats, IEnumerable<int> speakers, int channels, int rows)
    {
        var chosen = speakers.Distinct().Select(s => stats[s]).ToArray();
        var mean = new float[channels * rows];
        var std = new float[channels * rows];
        for (var r = 0; r < mean.Length; r++)
        {
            mean[r] = chosen.Average(s => s.Mean[r]);
            std[r] = chosen.Average(s => s.Std[r]);
        }
        return new NormalizationStats(channels, rows, mean, std);
    }

    /// <summary>
    /// A normalised copy of <paramref name="data"/>: items of a non-negative group take its statistics from
    /// <paramref name="known"/> when it has them (e.g. a speaker's, from the unaugmented training features, for an
    /// augmented batch), every other group (always a negative one: the item alone) its statistics from these rows.
    /// </summary>
    public static float[] Normalize(ReadOnlySpan<float> data, int rows, int width, IReadOnlyList<int> groups,
        IReadOnlyDictionary<int, RowStats>? known = null)
    {
        CheckShape(data.Length, rows, width, groups.Count);
        var unknown = Enumerable.Range(0, groups.Count).Where(i => groups[i] < 0 || known is null || !known.ContainsKey(groups[i])).ToArray();
        var own = unknown.Length == 0 ? [] : Statistics(Rows(data, rows * width, unknown), rows, width, [.. unknown.Select(i => groups[i])]);
        var result = new float[data.Length];
        for (var i = 0; i < groups.Count; i++)
        {
            var stats = own.TryGetValue(groups[i], out var s) ? s : known![groups[i]];
            for (var r = 0; r < rows; r++)
            {
                var offset = (i * rows + r) * width;
                float mean = stats.Mean[r], std = stats.Std[r];
                for (var t = 0; t < width; t++) result[offset + t] = (data[offset + t] - mean) / std;
            }
        }
        return result;
    }

    private static float[] Rows(ReadOnlySpan<float> data, int itemLength, int[] items)
    {
        var rows = new float[items.Length * itemLength];
        for (var j = 0; j < items.Length; j++) data.Slice(items[j] * itemLength, itemLength).CopyTo(rows.AsSpan(j * itemLength));
        return rows;
    }

    private static void CheckShape(int length, int rows, int width, int items)
    {
        if ((long)items * rows * width != length)
            throw new ArgumentException($"{length} values are not {items} items of {rows} rows x {width} frames");
    }
}

/// <summary>
/// A training run's CMVN: the group of every item of its feature set and the groups' statistics over the unaugmented
/// features, so that an augmented batch of a speaker is normalised by that speaker's statistics, and an item alone
/// by its own augmented rows.
/// </summary>
public sealed record TrainingCmvn(int[] Groups, IReadOnlyDictionary<int, RowStats> Statistics, int Rows, int Width)
{
    /// <summary>The normalised copy of the rows of <paramref name="items"/> (row-major, item after item).</summary>
    public float[] Normalize(ReadOnlySpan<float> itemRows, long[] items) =>
        Cmvn.Normalize(itemRows, Rows, Width, [.. items.Select(i => Groups[i])], Statistics);
}
