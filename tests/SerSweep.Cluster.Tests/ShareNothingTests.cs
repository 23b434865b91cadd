using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SerSweep.Audio.Cache;
using SerSweep.Cluster.Trainers;
using TrialSuggestion = SerSweep.Search.Strategies.TrialSuggestion;
using SerSweep.Storage;
using SerSweep.Storage.Entities;
using SerSweep.Testing;
using SerSweep.Training;
using SerSweep.Core;

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
        foreach (var worker in cluster.Workers) await cluster.DeleteFolderAsync(cluster.RootOf(worker));
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

    [Fact]
    public async Task With_a_time_cadence_no_trial_shorter_than_it_writes_or_replicates_a_checkpoint_and_its_bundle_still_arrives()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 2, slots: 1, new SyntheticTrainerOptions { EpochDuration = TimeSpan.FromMilliseconds(20) });
        var sweep = await cluster.LaunchAsync(TestCluster.SweepYaml(trials: 3, concurrent: 2, epochs: 4, checkpointEvery: "1h"));

        Assert.Equal("Completed", (await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(60))).Status);

        var trials = await cluster.Queries.TrialsAsync(sweep.Id);
        Assert.Equal(3, trials.Count);
        Assert.All(trials, t => Assert.Equal((TrialState.Completed, 4, 0, (string?)null), (t.Status, t.LastEpoch, t.CheckpointEpoch, t.CheckpointPath)));
        var stored = await cluster.ReadAsync(db => db.Artifacts.AsNoTracking().Select(a => a.Kind).ToListAsync());
        Assert.Equal([Artifact.BundleKind, Artifact.BundleKind, Artifact.BundleKind], stored);
        var checkpoints = Path.Combine(cluster.RootOf(cluster.Coordinator), "artifacts", "checkpoints");
        Assert.Empty(Directory.Exists(checkpoints) ? Directory.EnumerateFiles(checkpoints, "*", SearchOption.AllDirectories) : []);
    }

    [Fact]
    public async Task Worker_silos_without_a_data_folder_complete_torchsharp_trials_on_features_computed_where_the_audio_is()
    {
        await using var cluster = await TestCluster.StartAsync(workers: 2, slots: 1, new SyntheticTrainerOptions(), TorchTrainer, dataOnCoordinator: true);
        // The sweep's data.path exists nowhere: only the coordinator's --data root has the audio.
        var sweep = await cluster.LaunchAsync(TestCluster.RealSweepYaml("share-nothing-torch", seed: 11, trials: 3, concurrent: 2, epochs: 2, Path.Combine(cluster.Root, "no-audio-here")));

        Assert.Equal("Completed", (await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(240))).Status);

        var trials = await cluster.Queries.TrialsAsync(sweep.Id);
        Assert.All(trials, t => Assert.Equal((TrialState.Completed, 1), (t.Status, t.Attempts)));
        Assert.True(cluster.Paths.Seen.IsEmpty, string.Join("\n", cluster.Paths.Seen.Take(5)));
        // One feature file, computed on the coordinator; every worker that trained holds a byte-identical copy in its own cache.
        var computed = Assert.Single(Directory.GetFiles(Path.Combine(cluster.RootOf(cluster.Coordinator), "cache"), "*.features"));
        var ran = trials.Select(t => t.Silo).ToHashSet();
        var workers = cluster.Workers.Where(w => ran.Contains(w.SiloAddress.ToParsableString())).ToList();
        Assert.NotEmpty(workers);
        foreach (var worker in workers)
            Assert.Equal(await File.ReadAllBytesAsync(computed),
                await File.ReadAllBytesAsync(Path.Combine(cluster.RootOf(worker), "cache", Path.GetFileName(computed))));
    }

    [Fact]
    public async Task A_trial_whose_worker_and_its_folder_are_gone_resumes_on_another_worker_from_the_replicated_epoch_exactly()
    {
        const int epochs = 12;
        await using var cluster = await TestCluster.StartAsync(workers: 2, slots: 1, new SyntheticTrainerOptions(), TorchTrainer, dataOnCoordinator: true);
        var sweep = await cluster.LaunchAsync(TestCluster.RealSweepYaml("share-nothing-torch", seed: 11, trials: 1, concurrent: 1, epochs, Path.Combine(cluster.Root, "no-audio-here")));

        var victim = await cluster.WaitForAsync(async () => (await cluster.Queries.TrialsAsync(sweep.Id))
            .FirstOrDefault(t => t.Status == TrialState.Running && t.CheckpointEpoch is >= 2 and <= epochs - 4), TimeSpan.FromSeconds(180),
            "the trial to replicate its second epoch's checkpoint");
        var first = cluster.Workers.Single(w => w.SiloAddress.ToParsableString() == victim.Silo);
        await cluster.Cluster.KillSiloAsync(first);
        await cluster.DeleteFolderAsync(cluster.RootOf(first));

        Assert.Equal("Completed", (await cluster.WaitForEndAsync(sweep.Id, TimeSpan.FromSeconds(240))).Status);

        var details = (await cluster.Queries.GetTrialAsync(victim.Id))!;
        Assert.Equal(2, details.Attempts.Count);
        Assert.NotEqual(victim.Silo, details.Attempts[1].Silo);
        var resumed = details.Attempts[1].ResumedFromEpoch;
        Assert.True(resumed >= victim.CheckpointEpoch, $"resumed from epoch {resumed}, the database had {victim.CheckpointEpoch} before the kill");
        // Epochs 1..N once each: up to the replicated epoch from attempt 1, attempt 2 starting with the one after it.
        Assert.Equal(Enumerable.Range(1, epochs), details.Epochs.Select(e => e.Epoch));
        Assert.All(details.Epochs.Where(e => e.Epoch <= resumed), e => Assert.Equal(1, e.Attempt));
        Assert.Equal(resumed + 1, details.Epochs.Where(e => e.Attempt == 2).Min(e => e.Epoch));
        Assert.Equal(2, details.Result!.Attempt);

        // The replica carried the whole state (weights, optimizer, trainer state): the same numbers as one uninterrupted run.
        var definition = SweepDefinitions.FromStored((await cluster.Queries.GetSweepAsync(sweep.Id))!);
        var config = definition.ConfigFor(new TrialSuggestion(victim.Index, victim.Seed, StoredJson.ReadParameterValues(victim.ParametersJson)));
        config = config with { Data = config.Data with { Path = TestPaths.Ravdess }, Training = config.Training with { Threads = 1 } };
        var features = new FeatureCache(Path.Combine(cluster.Root, "reference-cache")).GetOrCompute(config.Data, config.Features).Features;
        var straight = await Trainer.RunAsync(new TrainingRequest { Config = config, Features = features });
        Assert.Equal(straight.Epochs.Select(e => (e.TrainLoss, e.ValLoss)), details.Epochs.Select(e => (e.TrainLoss, e.ValLoss)));
        Assert.Equal(straight.Test!.Accuracy, details.Result.TestAccuracy);

        var bundle = await cluster.ReadAsync(db => db.Artifacts.AsNoTracking().SingleAsync(a => a.TrialId == victim.Id));
        Assert.StartsWith(cluster.RootOf(cluster.Coordinator) + Path.DirectorySeparatorChar, bundle.Path);
        Assert.Equal(bundle.Sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(bundle.Path))));
    }

    private static void TorchTrainer(IServiceCollection services) =>
        services.AddSingleton<ITrialTrainer>(sp => ActivatorUtilities.CreateInstance<TorchTrialTrainer>(sp));
}
