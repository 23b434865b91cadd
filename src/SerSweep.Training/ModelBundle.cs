using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using SerSweep.Core;
using SerSweep.Training.Bundles;
using SerSweep.Training.Data;

namespace SerSweep.Training;

/// <summary>
/// A trained model as one self-describing .zip: <c>weights.pt</c> (TorchSharp state), <c>config.json</c>
/// (the whole ExperimentConfig: model and feature config, hyperparameters, seed), <c>model.json</c>
/// (input item shape, label map, parameter count), <c>normalization.json</c> (dataset mean/std of the training
/// split; for <c>features.normalize: speaker</c> the training speakers' average statistics; else null), <c>training.json</c> (status, per-epoch metrics, final val/test metrics with confusion
/// matrices, the actors it trained on), optionally <c>cross_validation.json</c> (for a refit: the folds' metrics of its
/// configuration, mean and sd) and <c>manifest.json</c> (format version, code version, creation time, SHA-256 of every other
/// entry). Loading refuses unknown format versions, entries whose hash does not match, and (untrusted input) unknown or
/// duplicate entries and entries that inflate past a limit.
/// </summary>
public sealed record ModelBundle
{
    public const int FormatVersion = 1;

    public required ExperimentConfig Config { get; init; }
    public required int[] ItemShape { get; init; }
    public required Emotion[] Classes { get; init; }
    public NormalizationStats? Normalization { get; init; }
    public required byte[] Weights { get; init; }
    public required TrainingOutcome Training { get; init; }
    public required string FeatureCacheKey { get; init; }
    /// <summary>The cross-validated metrics of this configuration (JSON, as the sweep stored them); null when it was not cross-validated.</summary>
    public string? CrossValidationJson { get; init; }
    public string CodeVersion { get; init; } = CurrentCodeVersion;
    public DateTimeOffset CreatedUtc { get; init; } = DateTimeOffset.UtcNow;

    public static string CurrentCodeVersion { get; } =
        typeof(ModelBundle).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private sealed record Manifest(int FormatVersion, string CodeVersion, DateTimeOffset CreatedUtc, Dictionary<string, string> Sha256);
    private sealed record ModelInfo(int[] ItemShape, Emotion[] Classes, long ParameterCount, string FeatureCacheKey);

    private const string ManifestEntry = "manifest.json";
    private const string WeightsEntry = "weights.pt";
    private const string ConfigEntry = "config.json";
    private const string ModelEntry = "model.json";
    private const string NormalizationEntry = "normalization.json";
    private const string TrainingEntry = "training.json";
    private const string CrossValidationEntry = "cross_validation.json";

    /// <summary>Writes the bundle atomically (temporary file, then rename).</summary>
    public void Save(string path)
    {
        var entries = new Dictionary<string, byte[]>
        {
            [WeightsEntry] = Weights,
            [ConfigEntry] = Json(Config),
            [ModelEntry] = Json(new ModelInfo(ItemShape, Classes, Training.ParameterCount, FeatureCacheKey)),
            [NormalizationEntry] = Json(Normalization),
            [TrainingEntry] = Json(Training),
        };
        if (CrossValidationJson is not null) entries[CrossValidationEntry] = System.Text.Encoding.UTF8.GetBytes(CrossValidationJson);
        var manifest = new Manifest(FormatVersion, CodeVersion, CreatedUtc, entries.ToDictionary(e => e.Key, e => Sha256(e.Value)));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        using (var zip = ZipFile.Open(temp, ZipArchiveMode.Create))
        {
            foreach (var (name, bytes) in entries.Append(new(ManifestEntry, Json(manifest))))
            {
                // Float weights barely deflate (7 % for ~18 ms of CPU per trial, on the training thread): stored as they are.
                using var stream = zip.CreateEntry(name, name == WeightsEntry ? CompressionLevel.NoCompression : CompressionLevel.Optimal).Open();
                stream.Write(bytes);
            }
        }
        File.Move(temp, path, overwrite: true);
    }

    public static ModelBundle Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model bundle not found: {path}", path);
        Dictionary<string, byte[]> entries;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            entries = ReadEntries(path, zip);
        }
        catch (InvalidDataException e)
        {
            throw new BundleFormatException(path, $"not a model bundle (.zip): {e.Message}");
        }
        var manifest = Read<Manifest>(path, entries, ManifestEntry);
        if (manifest.FormatVersion != FormatVersion)
            throw new BundleFormatException(path, $"format version {manifest.FormatVersion} is not supported (this build reads version {FormatVersion})");
        foreach (var (name, expected) in manifest.Sha256)
        {
            if (!entries.TryGetValue(name, out var bytes)) throw new BundleFormatException(path, $"entry {name} is missing");
            if (Sha256(bytes) != expected) throw new BundleFormatException(path, $"entry {name} fails its SHA-256 check (the file is corrupt or was modified)");
        }
        foreach (var required in new[] { WeightsEntry, ConfigEntry, ModelEntry, NormalizationEntry, TrainingEntry })
            if (!manifest.Sha256.ContainsKey(required)) throw new BundleFormatException(path, $"manifest does not cover entry {required}");

        var model = Read<ModelInfo>(path, entries, ModelEntry);
        return new ModelBundle
        {
            Config = Read<ExperimentConfig>(path, entries, ConfigEntry),
            ItemShape = model.ItemShape,
            Classes = model.Classes,
            Normalization = JsonSerializer.Deserialize<NormalizationStats?>(entries[NormalizationEntry], BundleJson.Options),
            Weights = entries[WeightsEntry],
            Training = Read<TrainingOutcome>(path, entries, TrainingEntry),
            FeatureCacheKey = model.FeatureCacheKey,
            CrossValidationJson = manifest.Sha256.ContainsKey(CrossValidationEntry) ? System.Text.Encoding.UTF8.GetString(entries[CrossValidationEntry]) : null,
            CodeVersion = manifest.CodeVersion,
            CreatedUtc = manifest.CreatedUtc,
        };
    }

    /// <summary>Bytes one entry may inflate to, and all of them together: far above any model the search space builds (a few MB).</summary>
    public const long MaxEntryBytes = 256L << 20, MaxTotalBytes = 512L << 20;

    private static readonly HashSet<string> KnownEntries =
        [ManifestEntry, WeightsEntry, ConfigEntry, ModelEntry, NormalizationEntry, TrainingEntry, CrossValidationEntry];

    /// <summary>
    /// Every entry's bytes, the archive treated as untrusted input: only the entries a bundle has (by exact name, so no
    /// path such as <c>../x</c> or <c>/etc/x</c> and nothing unexpected gets in), each once, and no more bytes than
    /// <see cref="MaxEntryBytes"/> / <see cref="MaxTotalBytes"/> counted while inflating (a zip bomb's headers can lie).
    /// Nothing is ever extracted to disk.
    /// </summary>
    private static Dictionary<string, byte[]> ReadEntries(string path, ZipArchive zip)
    {
        var entries = new Dictionary<string, byte[]>();
        long total = 0;
        var buffer = new byte[81920];
        foreach (var entry in zip.Entries)
        {
            if (!KnownEntries.Contains(entry.FullName))
                throw new BundleFormatException(path, $"unknown entry '{entry.FullName}' (a bundle holds only {string.Join(", ", KnownEntries)})");
            if (entries.ContainsKey(entry.FullName))
                throw new BundleFormatException(path, $"entry {entry.FullName} appears twice");
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                total += read;
                if (copy.Length + read > MaxEntryBytes || total > MaxTotalBytes)
                    throw new BundleFormatException(path, $"entry {entry.FullName} inflates past the limit ({MaxEntryBytes} bytes an entry, {MaxTotalBytes} in all): not a model bundle");
                copy.Write(buffer, 0, read);
            }
            entries[entry.FullName] = copy.ToArray();
        }
        return entries;
    }

    private static byte[] Json<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, BundleJson.Options);

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static T Read<T>(string path, Dictionary<string, byte[]> entries, string name)
    {
        if (!entries.TryGetValue(name, out var bytes)) throw new BundleFormatException(path, $"entry {name} is missing");
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, BundleJson.Options) ?? throw new BundleFormatException(path, $"entry {name} is empty");
        }
        catch (JsonException e)
        {
            throw new BundleFormatException(path, $"entry {name} is not valid: {e.Message}");
        }
    }
}
