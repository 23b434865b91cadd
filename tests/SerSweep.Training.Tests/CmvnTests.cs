using SerSweep.Core;
using SerSweep.Training.Data;

namespace SerSweep.Training.Tests;

/// <summary>CMVN on hand-computed matrices: items of 2 rows x 3 frames.</summary>
public class CmvnTests
{
    private const int Rows = 2, Width = 3;

    // Item A: row 0 = 1 2 3, row 1 = 4 4 4 (flat). Item B: row 0 = 5 6 7, row 1 = 0 2 4.
    private static readonly float[] A = [1, 2, 3, 4, 4, 4];
    private static readonly float[] B = [5, 6, 7, 0, 2, 4];

    [Fact]
    public void Per_utterance_CMVN_standardises_each_row_of_each_item_over_its_frames()
    {
        var normalized = Cmvn.Normalize([.. A, .. B], Rows, Width, [Cmvn.Alone(0), Cmvn.Alone(1)]);

        // Row 1 2 3: mean 2, population sd sqrt(2/3); row 4 4 4 is flat: centred, not scaled. Row 0 2 4: mean 2, sd sqrt(8/3).
        var s1 = Math.Sqrt(2.0 / 3);
        var s2 = Math.Sqrt(8.0 / 3);
        double[] expected = [-1 / s1, 0, 1 / s1, 0, 0, 0, -1 / s1, 0, 1 / s1, -2 / s2, 0, 2 / s2];
        Assert.Equal(expected, normalized.Select(x => (double)x), new Tolerance(1e-6));
    }

    [Fact]
    public void Per_speaker_CMVN_takes_the_statistics_over_all_frames_of_the_speakers_items()
    {
        var normalized = Cmvn.Normalize([.. A, .. B], Rows, Width, [7, 7]);

        // Row 0 over both items: 1 2 3 5 6 7, mean 4, E[x^2] = 124 / 6, sd = sqrt(124/6 - 16) = sqrt(14/3).
        // Row 1: 4 4 4 0 2 4, mean 3, E[x^2] = 68 / 6, sd = sqrt(68/6 - 9) = sqrt(7/3).
        var s0 = Math.Sqrt(14.0 / 3);
        var s1 = Math.Sqrt(7.0 / 3);
        double[] expected = [-3 / s0, -2 / s0, -1 / s0, 1 / s1, 1 / s1, 1 / s1, 1 / s0, 2 / s0, 3 / s0, -3 / s1, -1 / s1, 1 / s1];
        Assert.Equal(expected, normalized.Select(x => (double)x), new Tolerance(1e-6));
        var stats = Cmvn.Statistics([.. A, .. B], Rows, Width, [7, 7])[7];
        Assert.Equal([4.0, 3.0], stats.Mean.Select(x => (double)x), new Tolerance(1e-6));
        Assert.Equal([s0, s1], stats.Std.Select(x => (double)x), new Tolerance(1e-6));
    }

    [Fact]
    public void Known_speaker_statistics_apply_to_new_rows_and_an_item_alone_always_uses_its_own()
    {
        var speaker = new RowStats([4f, 3f], [2f, 1f]);
        var known = new Dictionary<int, RowStats> { [7] = speaker, [Cmvn.Alone(1)] = speaker };

        var normalized = Cmvn.Normalize([.. A, .. B], Rows, Width, [7, Cmvn.Alone(1)], known);

        // Item A by the known speaker: (x - 4) / 2 and (x - 3) / 1; item B alone by its own rows, as in the first test.
        var s2 = Math.Sqrt(8.0 / 3);
        double[] expected = [-1.5, -1, -0.5, 1, 1, 1, -1 / Math.Sqrt(2.0 / 3), 0, 1 / Math.Sqrt(2.0 / 3), -2 / s2, 0, 2 / s2];
        Assert.Equal(expected, normalized.Select(x => (double)x), new Tolerance(1e-6));
    }

    [Fact]
    public void The_average_speaker_averages_the_means_and_deviations_of_the_chosen_speakers_only()
    {
        var stats = new Dictionary<int, RowStats>
        {
            [1] = new([1f, 2f], [1f, 3f]), [2] = new([3f, 6f], [2f, 5f]), [Cmvn.Alone(0)] = new([100f, 100f], [100f, 100f]),
        };

        var average = Cmvn.AverageSpeaker(stats, [1, 2, 2, 1], channels: 1, rows: 2);

        Assert.Equal([2f, 4f], average.Mean);
        Assert.Equal([1.5f, 4f], average.Std);
        Assert.Equal((1, 2), (average.Channels, average.Rows));
    }

    [Fact]
    public void Groups_follow_the_mode_in_training_and_at_prediction()
    {
        int[] actors = [1, 1, 2, 3];
        int[] heldOut = [2, 3];

        Assert.Equal([1, 1, 2, 3], Cmvn.TrainingGroups(Normalization.Speaker, actors, heldOut)!);
        Assert.Equal([1, 1, -3, -4], Cmvn.TrainingGroups(Normalization.SpeakerUtterance, actors, heldOut)!);
        Assert.Equal([-1, -2, -3, -4], Cmvn.TrainingGroups(Normalization.UtteranceCmvn, actors, heldOut)!);
        Assert.Null(Cmvn.TrainingGroups(Normalization.Dataset, actors, heldOut));

        Assert.Equal([5, 5, 6], Cmvn.PredictionGroups(Normalization.Speaker, 3, [5, 5, 6])!);
        Assert.Equal([-1, -2, -3], Cmvn.PredictionGroups(Normalization.Speaker, 3, null)!);
        Assert.Equal([-1, -2, -3], Cmvn.PredictionGroups(Normalization.SpeakerUtterance, 3, [5, 5, 6])!);
        Assert.Null(Cmvn.PredictionGroups(Normalization.Dataset, 3, [5, 5, 6]));
        Assert.Throws<ArgumentException>(() => Cmvn.PredictionGroups(Normalization.Speaker, 3, [5]));
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;
        public int GetHashCode(double value) => 0;
    }
}
