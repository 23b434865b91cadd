using System.Text.Json;
using SerSweep.Testing;

namespace SerSweep.Audio.Tests;

/// <summary>One file of ../shared/reference/torchaudio-features.json (torchaudio 0.13.1 on the real RAVDESS file).</summary>
public sealed record ReferenceCase(
    string File, int SourceSampleRate, int Channels, int SourceSamples, float[] MonoFirst100, double MonoSum,
    int ResampledSamples, float[] ResampledFirst2000, double ResampledSum, float[][] LogMel, float[][] Mfcc);

public static class TorchaudioReference
{
    public static IReadOnlyList<ReferenceCase> Cases { get; } = Load();

    private static IReadOnlyList<ReferenceCase> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.TorchaudioReference));
        static float[] Floats(JsonElement e) => e.EnumerateArray().Select(x => x.GetSingle()).ToArray();
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => new ReferenceCase(
            c.GetProperty("file").GetString()!,
            c.GetProperty("source_sample_rate").GetInt32(),
            c.GetProperty("channels").GetInt32(),
            c.GetProperty("source_samples").GetInt32(),
            Floats(c.GetProperty("mono_first_100")),
            c.GetProperty("mono_sum").GetDouble(),
            c.GetProperty("resampled_samples").GetInt32(),
            Floats(c.GetProperty("resampled_first_2000")),
            c.GetProperty("resampled_sum").GetDouble(),
            c.GetProperty("log_mel").EnumerateArray().Select(Floats).ToArray(),
            c.GetProperty("mfcc").EnumerateArray().Select(Floats).ToArray())).ToArray();
    }

    /// <summary>The config block of the reference file, as a FeatureConfig.</summary>
    public static Core.FeatureConfig Config(Core.FeatureKind kind)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.TorchaudioReference));
        var c = doc.RootElement.GetProperty("config");
        return new Core.FeatureConfig
        {
            Kind = kind,
            SampleRate = c.GetProperty("target_sample_rate").GetInt32(),
            NFft = c.GetProperty("n_fft").GetInt32(),
            WinLength = c.GetProperty("win_length").GetInt32(),
            HopLength = c.GetProperty("hop_length").GetInt32(),
            NMels = c.GetProperty("n_mels").GetInt32(),
            NMfcc = c.GetProperty("n_mfcc").GetInt32(),
            FMin = c.GetProperty("f_min").GetDouble(),
            FMax = c.GetProperty("f_max").GetDouble(),
            MelScale = c.GetProperty("mel_scale").GetString() == "htk" ? Core.MelScale.Htk : Core.MelScale.Slaney,
            MfccLog = Core.MfccLog.Db,
        };
    }
}
