using SerSweep.Testing;

namespace SerSweep.Training.Tests;

/// <summary>The folder states a kill -9 can leave in the middle of <see cref="TrainingCheckpoint.Save"/>.</summary>
public class CheckpointRecoveryTests
{
    private static string Folder(string path, string marker, bool withState)
    {
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "marker"), marker);
        if (withState) File.WriteAllText(Path.Combine(path, "state.json"), "{}");
        return path;
    }

    [Fact]
    public void Killed_between_the_two_renames_the_staged_checkpoint_takes_its_place()
    {
        var dir = Path.Combine(TestPaths.NewTempDir(), "checkpoint");
        Folder(dir + ".old", "epoch 3", withState: true);
        Folder(dir + ".tmp", "epoch 4", withState: true);

        TrainingCheckpoint.CompleteInterruptedSave(dir);

        Assert.Equal("epoch 4", File.ReadAllText(Path.Combine(dir, "marker")));
        Assert.False(Directory.Exists(dir + ".tmp"));
    }

    [Fact]
    public void A_staged_checkpoint_without_its_state_file_loses_to_the_previous_one()
    {
        var dir = Path.Combine(TestPaths.NewTempDir(), "checkpoint");
        Folder(dir + ".old", "epoch 3", withState: true);
        Folder(dir + ".tmp", "epoch 4", withState: false);

        TrainingCheckpoint.CompleteInterruptedSave(dir);

        Assert.Equal("epoch 3", File.ReadAllText(Path.Combine(dir, "marker")));
    }

    [Fact]
    public void A_live_checkpoint_is_left_alone()
    {
        var dir = Folder(Path.Combine(TestPaths.NewTempDir(), "checkpoint"), "epoch 5", withState: true);
        Folder(dir + ".tmp", "epoch 6, half written", withState: false);

        TrainingCheckpoint.CompleteInterruptedSave(dir);

        Assert.Equal("epoch 5", File.ReadAllText(Path.Combine(dir, "marker")));
    }
}
