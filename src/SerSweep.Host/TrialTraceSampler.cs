using OpenTelemetry.Trace;
using SerSweep.Cluster.Telemetry;

namespace SerSweep.Host;

/// <summary>
/// Records the trial traces and nothing else. SerSweep's own spans (<c>sersweep.*</c>) start traces; any other span is
/// recorded only under a recorded parent (the parent-based rule), so Orleans' call spans inside an attempt link its
/// silos while Orleans' own traffic outside one (membership, directory, reminders, timers, progress reads) starts no
/// trace and costs no export.
/// </summary>
public sealed class TrialTraceSampler : Sampler
{
    private static readonly SamplingResult Record = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    /// <summary>Parent-based: a child follows its parent; a root is kept only when it is SerSweep's.</summary>
    public static Sampler Instance { get; } = new ParentBasedSampler(new TrialTraceSampler());

    private TrialTraceSampler() => Description = nameof(TrialTraceSampler);

    public override SamplingResult ShouldSample(in SamplingParameters parameters) =>

        parameters.Name.StartsWith(SweepTracing.SpanPrefix, StringComparison.Ordinal) ? Record : Drop;
}
