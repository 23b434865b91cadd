using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using SerSweep.Cluster.Trainers;
using SerSweep.Storage.Entities;

namespace SerSweep.Cluster.Tests;

/// <summary>Silos that share nothing but the network: artifacts reach the coordinator through Orleans.</summary>
public sealed class ShareNothingTests
{
    [Fact]
    public async Task Bundles_and_checkpoints_land_in_the_coordinators_own_folder_and_no_silo_is_handed_a_path_of_another()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 2, slots: 1, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(50) });
        var sweep = await cluster.LaunchAsync(TestCluster.SweepYaml(trials: 3, concurrent: 2, epochs: 3));

        Assert.Equal("Completed", (await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(60))).Status);

        // On separate hosts a path of another silo names a file the receiver cannot open (nor the sender the receiver's).
        Assert.True(cluster.Paths.Seen.IsEmpty, string.Join("\n", cluster.Paths.Seen.Take(5)));

        // The workers' disks are gone; what the database records must still be on the coordinator, intact.
        foreach (var worker in cluster.Workers) Directory.Delete(cluster.RootOf(worker), recursive: true);
        var coordinatorRoot = cluster.RootOf(cluster.Coordinator) + Path.DirectorySeparatorChar;
        var bundles = await cluster.ReadAsync(db => db.Artifacts.AsNoTracking().Where(a => a.Kind == Artifact.BundleKind).ToListAsync());
        Assert.Equal(3, bundles.Count);
        foreach (var bundle in bundles)
        {
            Assert.StartsWith(coordinatorRoot, bundle.Path);
            var bytes = await File.ReadAllBytesAsync(bundle.Path);
            Assert.Equal((bundle.SizeBytes, bundle.Sha256), (bytes.LongLength, Convert.ToHexStringLower(SHA256.HashData(bytes))));
        }
        var trials = await cluster.Queries.TrialsAsync(sweep.Id);
        Assert.All(trials, t =>
        {
            Assert.Equal(3, t.CheckpointEpoch);
            Assert.StartsWith(coordinatorRoot, t.CheckpointPath);
            Assert.True(File.Exists(t.CheckpointPath), $"trial {t.Index}'s checkpoint {t.CheckpointPath} is not a file on the coordinator");
        });
    }
}
