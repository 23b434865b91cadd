using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using SerSweep.Cluster.Artifacts;
using SerSweep.Cluster.Contracts;
using SerSweep.Cluster.Trainers;

namespace SerSweep.Cluster.Tests;

/// <summary>The sweep's artifact store on the coordinator, fed by a worker over Orleans.</summary>
public sealed class ArtifactStoreTests
{
    [Fact]
    public async Task An_upload_is_stored_only_when_its_sha256_matches_and_a_corrupted_chunk_or_a_different_copy_is_refused()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 1, slots: 1, new SyntheticTrainerOptions());
        var worker = cluster.Workers.Single().ServiceProvider;
        var store = worker.GetRequiredService<IGrainFactory>().GetGrain<IArtifactStoreGrain>(42);
        var bundle = new ArtifactRef(ArtifactKind.Bundle, TrialId: 7, TrialIndex: 3, Attempt: 2, Epoch: 0);
        var content = RandomNumberGenerator.GetBytes(2 * IArtifactStoreGrain.MaxChunkBytes + 12345);
        var local = Path.Combine(cluster.RootOf(cluster.Workers.Single()), "bundle.zip");
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        await File.WriteAllBytesAsync(local, content);
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        var stored = Path.Combine(cluster.RootOf(cluster.Coordinator), "artifacts", "bundles", "sweep-42", "trial-0003-7-attempt-2.zip");

        // A chunk that does not match its SHA-256 is refused and nothing is written.
        var corrupted = content[..1000];
        var chunkSha = Convert.ToHexStringLower(SHA256.HashData(corrupted));
        corrupted[10] ^= 0xFF;
        await Assert.ThrowsAsync<InvalidDataException>(() => store.Write(bundle, 0, corrupted, chunkSha));
        Assert.False(File.Exists(stored + ".upload"));

        // Chunks that arrived intact but do not add up to the announced SHA-256 are refused as a whole.
        await store.Write(bundle, 0, content[..1000], Convert.ToHexStringLower(SHA256.HashData(content[..1000])));
        await Assert.ThrowsAsync<InvalidDataException>(() => store.Finish(bundle, content.Length, sha));
        Assert.False(File.Exists(stored));

        // The worker's upload: three chunks, verified, moved into the coordinator's own folder.
        var result = await worker.GetRequiredService<ArtifactTransfer>().UploadAsync(42, bundle, local, CancellationToken.None);
        Assert.Equal((content.LongLength, sha), (result.Bytes, result.Sha256));
        Assert.Equal(content, await File.ReadAllBytesAsync(stored));

        // The same bytes again (a retried upload) are accepted; other bytes under the same name never replace them.
        Assert.Equal(sha, (await worker.GetRequiredService<ArtifactTransfer>().UploadAsync(42, bundle, local, CancellationToken.None)).Sha256);
        var other = RandomNumberGenerator.GetBytes(100);
        await store.Write(bundle, 0, other, Convert.ToHexStringLower(SHA256.HashData(other)));
        await Assert.ThrowsAsync<InvalidDataException>(() => store.Finish(bundle, other.Length, Convert.ToHexStringLower(SHA256.HashData(other))));
        Assert.Equal(content, await File.ReadAllBytesAsync(stored));
        Assert.False(File.Exists(stored + ".upload"));
    }
}
