using SerSweep.Search.Yaml;

namespace SerSweep.Search.Parsing;

/// <summary>The outcome of reading a sweep file: the definition when valid, else every error found.</summary>
public sealed record SweepParseResult(SweepDefinition? Definition, IReadOnlyList<SweepError> Errors)
{
    public bool IsValid => Definition is not null && Errors.Count == 0;

    /// <summary>The definition, or a <see cref="SweepFileException"/> listing every error.</summary>
    public SweepDefinition GetDefinitionOrThrow() => IsValid ? Definition! : throw new SweepFileException(Errors);
}

/// <summary>Entry point for sweep.yaml: parse and validate in one pass, reporting all errors at once.</summary>
public static class SweepFile
{
    /// <summary>Parses sweep YAML text; <paramref name="path"/> is only used in error messages and <see cref="SweepDefinition.SourcePath"/>.</summary>
    public static SweepParseResult Parse(string text, string path, SweepLimits? limits = null)
    {
        limits ??= SweepLimits.Default;
        var errors = new List<SweepError>();
        var bytes = System.Text.Encoding.UTF8.GetByteCount(text);
        if (bytes > limits.MaxFileBytes) return TooLarge(path, bytes, limits);
        if (NonPrintable(text, path) is { } binary) return new(null, [binary]);
        var root = YamlLoader.Load(text, path, limits, errors);
        if (root is null && errors.Count > 0) return new(null, errors);
        var definition = new SweepReader(new YamlReader(path, errors), limits).Read(root, path);
        // Checks run section by section and then across sections; the user reads them in file order.
        return errors.Count == 0 ? new(definition, errors) : new(null, [.. errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
    }

    /// <summary>
    /// Reads and parses a sweep file. Files over the size limit are refused before they are read. A relative
    /// <c>data.path</c> is resolved against the file's folder, so a sweep runs the same from any working directory.
    /// </summary>
    public static SweepParseResult Load(string path, SweepLimits? limits = null)
    {
        limits ??= SweepLimits.Default;
        var file = new FileInfo(path);
        if (!file.Exists)
            return new(null, [new SweepError(path, new(1, 1), $"file not found: {path}", "check the path; run from the folder holding sweep.yaml or give its full path")]);
        if (file.Length > limits.MaxFileBytes) return TooLarge(path, file.Length, limits);
        var result = Parse(File.ReadAllText(path), path, limits);
        return result.Definition is { } definition ? result with { Definition = ResolveDataPath(definition, file.FullName) } : result;
    }

    /// <summary>The definition with a relative <c>data.path</c> made absolute against the folder of <paramref name="sweepFilePath"/>.</summary>
    public static SweepDefinition ResolveDataPath(SweepDefinition definition, string sweepFilePath)
    {
        if (Path.IsPathRooted(definition.Base.Data.Path)) return definition;
        var folder = Path.GetDirectoryName(Path.GetFullPath(sweepFilePath))!;
        var data = definition.Base.Data with { Path = Path.GetFullPath(Path.Combine(folder, definition.Base.Data.Path)) };
        return definition with { Base = definition.Base with { Data = data } };
    }

    /// <summary>
    /// The first character YAML does not allow in a stream (c-printable: tab, line breaks, x20-x7E, x85, xA0-xD7FF,
    /// xE000-xFFFD and whole surrogate pairs). YamlDotNet reads some of them, NUL among them, but a sweep's text is
    /// stored and read back by SQLite, which ends a string at NUL: a file that validated here came back cut short.
    /// </summary>
    private static SweepError? NonPrintable(string text, string path)
    {
        for (int i = 0, line = 1, lineStart = 0; i < text.Length; i++)
        {
            var c = text[i];
            // Lines counted as YamlDotNet counts them (YAML 1.1 breaks: LF, CR, CRLF, NEL, LS, PS), so that every error
            // of a file, this one or the parser's, is at the same place.
            if (c is '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
            if (c is '\n' or '\r' or '\x85' or '\u2028' or '\u2029') { line++; lineStart = i + 1; continue; }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            var printable = c is '\t' or (>= '\x20' and <= '\x7E') or (>= '\xA0' and <= '\uD7FF') or (>= '\uE000' and <= '\uFFFD');
            if (!printable)
                return new SweepError(path, new(line, i - lineStart + 1), $"character U+{(int)c:X4} is not allowed in a YAML file",
                    "the text holds a control character or broken Unicode (binary data pasted or a damaged file?): delete it");
        }
        return null;
    }

    private static SweepParseResult TooLarge(string path, long bytes, SweepLimits limits) =>
        new(null, [new SweepError(path, new(1, 1), $"the file is {bytes} bytes, more than the limit of {limits.MaxFileBytes} bytes",
            "a sweep file is a few kilobytes: describe the search space with ranges instead of listing values")]);
}
