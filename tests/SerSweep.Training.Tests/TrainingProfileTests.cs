using System.Diagnostics;
using System.Text.Json;
using SerSweep.Core;
using Xunit;

namespace SerSweep.Training.Tests;

public class TrainingProfileTests
{
    [Fact]
    public void A_phase_spent_computing_is_charged_to_the_thread_and_one_spent_asleep_is_not()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sersweep-profile-{Guid.NewGuid():N}.jsonl");
        try
        {
            // On a thread of its own, as a training run's laps are: the CPU clock is the calling thread's.
            var thread = new Thread(() =>
            {
                var profile = new TrainingProfile(path);
                var spin = Stopwatch.StartNew();
                var sink = 0.0;
                while (spin.ElapsedMilliseconds < 300) sink += Math.Sqrt(sink + 1);
                profile.Lap("busy");
                Thread.Sleep(300);
                profile.Lap("asleep");
                profile.Write(seed: 7, epochs: 2, TrialState.Completed);
                GC.KeepAlive(sink);
            });
            thread.Start();
            Assert.True(thread.Join(TimeSpan.FromSeconds(30)), "the profiled thread did not finish within 30 s");

            using var line = JsonDocument.Parse(File.ReadAllLines(path).Single());
            var wall = line.RootElement.GetProperty("seconds");
            var cpu = line.RootElement.GetProperty("cpu_seconds");
            Assert.Equal(7, line.RootElement.GetProperty("seed").GetInt32());
            Assert.Equal("Completed", line.RootElement.GetProperty("status").GetString());
            Assert.InRange(wall.GetProperty("busy").GetDouble(), 0.3, 10);
            Assert.InRange(wall.GetProperty("asleep").GetDouble(), 0.3, 10);
            // A spinning thread is on a core most of its wall time, even on a loaded 2-core machine; a sleeping one hardly at all.
            Assert.InRange(cpu.GetProperty("busy").GetDouble(), 0.1, wall.GetProperty("busy").GetDouble() + 0.01);
            Assert.InRange(cpu.GetProperty("asleep").GetDouble(), 0, 0.05);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
