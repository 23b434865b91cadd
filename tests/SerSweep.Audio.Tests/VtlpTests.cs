using SerSweep.Audio.Dsp;
using SerSweep.Core;

namespace SerSweep.Audio.Tests;

/// <summary>Vocal tract length perturbation's frequency warp, against values worked out by hand (Nyquist 8 kHz).</summary>
public class VtlpTests
{
    [Theory]
    // warp 1.1: boundary 4800 / 1.1 = 4363.6 Hz; above it the line from (4363.6, 4800) to (8000, 8000), slope 3200 / 3636.4 = 0.88.
    [InlineData(1.1, 1000, 1100)]
    [InlineData(1.1, 6000, 6240)]
    [InlineData(1.1, 8000, 8000)]
    // warp 0.9: boundary 4800 Hz (to 4320); above it slope 3680 / 3200 = 1.15.
    [InlineData(0.9, 1000, 900)]
    [InlineData(0.9, 4800, 4320)]
    [InlineData(0.9, 6000, 5700)]
    [InlineData(1.0, 6000, 6000)]
    public void The_warp_scales_low_frequencies_and_keeps_the_nyquist_frequency(double warp, double hz, double expected) =>
        Assert.Equal(expected, MelFilterbank.VtlpWarp(hz, warp, 8000), 6);

    [Fact]
    public void A_warp_of_one_is_the_plain_filterbank_and_a_warp_moves_every_filter()
    {
        var plain = MelFilterbank.Create(257, 0, 8000, 64, 16000, MelScale.Htk);
        var one = MelFilterbank.Create(257, 0, 8000, 64, 16000, MelScale.Htk, warp: 1.0);
        var up = MelFilterbank.Create(257, 0, 8000, 64, 16000, MelScale.Htk, warp: 1.1);

        Assert.Equal(plain, one);
        // Filter m's peak bin: with warp 1.1 a bin at f weighs as if at 1.1 f, so the low filters peak at lower bins.
        int Peak(float[] fb, int m) => Enumerable.Range(0, 257).MaxBy(f => fb[f * 64 + m]);
        Assert.All(Enumerable.Range(15, 25), m => Assert.True(Peak(up, m) < Peak(plain, m), $"filter {m}: {Peak(up, m)} vs {Peak(plain, m)}"));
    }
}
