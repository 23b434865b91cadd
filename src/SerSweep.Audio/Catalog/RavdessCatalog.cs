using System.Security.Cryptography;
using System.Text;
using SerSweep.Audio.Cache;

namespace SerSweep.Audio.Catalog;

/// <summary>One selected file: where it is, what its name says, and its size.</summary>
public sealed record CatalogEntry(string Path, string RelativePath, RavdessFileName Name, long Size)
{
    public int Actor => Name.Actor;
}

/// <summary>A file or folder that was skipped, and why.</summary>
public sealed record CatalogProblem(string Path, string Reason)
{
    public override string ToString() => $"{Path}: {Reason}";
}

/// <summary>
/// The selected RAVDESS files under a root holding <c>Actor_XX</c> folders, sorted by relative path, and what was
/// skipped. Malformed names, fields out of range, a name whose actor disagrees with its folder and requested actor
/// folders that are missing are reported as problems, never thrown; a missing root is a
/// <see cref="DirectoryNotFoundException"/>.
/// </summary>
public sealed record RavdessCatalog(string Root, IReadOnlyList<CatalogEntry> Entries, IReadOnlyList<CatalogProblem> Problems)
{
    public static RavdessCatalog Scan(string root, CatalogFilter filter)
    {
        var fullRoot = System.IO.Path.GetFullPath(root);
        if (!Directory.Exists(fullRoot))
            throw new DirectoryNotFoundException($"RAVDESS root {fullRoot} does not exist (expected a folder holding Actor_01 .. Actor_24)");
        var entries = new List<CatalogEntry>();
        var problems = new List<CatalogProblem>();
        foreach (var actor in filter.Actors.Actors)
        {
            var folder = System.IO.Path.Combine(fullRoot, $"Actor_{actor:D2}");
            if (!Directory.Exists(folder))
            {
                problems.Add(new CatalogProblem(folder, $"folder of selected actor {actor} is missing"));
                continue;
            }
            foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
            {
                var relative = System.IO.Path.GetRelativePath(fullRoot, file).Replace('\\', '/');
                if (!RavdessFileName.TryParse(System.IO.Path.GetFileName(file), out var name, out var error))
                    problems.Add(new CatalogProblem(relative, error));
                else if (name.Actor != actor)
                    problems.Add(new CatalogProblem(relative, $"name says actor {name.Actor} but the file is in Actor_{actor:D2}"));
                else if (filter.Matches(name))
                    entries.Add(new CatalogEntry(file, relative, name, new FileInfo(file).Length));
            }
        }
        return new RavdessCatalog(fullRoot, entries, problems);
    }

    /// <summary>
    /// SHA-256 over every selected file's relative path, size and content hash: changes when a file is added,
    /// removed, renamed or edited, so that a feature cache keyed by it is never stale. The content hashes come from
    /// <paramref name="manifest"/> for files whose size and last write time it already knows (default: hash every file).
    /// </summary>
    public string Fingerprint(FileHashManifest? manifest = null)
    {
        var contentHashes = (manifest ?? FileHashManifest.Transient()).HashAll(Entries.Select(e => e.Path).ToArray());
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < Entries.Count; i++)
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{Entries[i].RelativePath}\n{Entries[i].Size}\n"));
            sha.AppendData(contentHashes[i]);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
