using Microsoft.EntityFrameworkCore;
using SerSweep.Core;
using SerSweep.Storage.Entities;

namespace SerSweep.Storage;

public sealed partial class StoreWriter
{
    /// <summary>
    /// A resumed sweep's new limits: <paramref name="maxTrials"/> and its <see cref="Sweep.ResumeJson"/>. A sweep that was
    /// over runs again (no finish time); when it had been stopped, the trials the stop cancelled (those with no stop reason
    /// of their own) wait to run again, from their last checkpoint.
    /// </summary>
    public Task<Sweep> ResumeSweepAsync(long sweepId, int maxTrials, string resumeJson, bool reopen) => Enqueue(async db =>
    {
        var sweep = await db.Sweeps.SingleAsync(s => s.Id == sweepId);
        (sweep.MaxTrials, sweep.ResumeJson) = (maxTrials, resumeJson);
        if (reopen)
        {
            if (sweep.Status == SweepStatus.Stopped)
                await db.Trials.Where(t => t.SweepId == sweepId && t.Status == TrialState.Cancelled && t.StopReason == null)
                    .ExecuteUpdateAsync(t => t.SetProperty(x => x.Status, TrialState.Pending).SetProperty(x => x.FinishedAt, (DateTime?)null));
            (sweep.Status, sweep.FinishedAt) = (SweepStatus.Running, null);
        }
        await db.SaveChangesAsync();
        return sweep;
    });
}
