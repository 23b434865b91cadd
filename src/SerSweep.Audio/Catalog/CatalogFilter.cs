using SerSweep.Core;

namespace SerSweep.Audio.Catalog;

/// <summary>Which RAVDESS files to select; null/empty members select everything.</summary>
public sealed record CatalogFilter
{
    public ActorSelection Actors { get; init; } = ActorSelection.All;
    public IReadOnlyList<Emotion> Emotions { get; init; } = [];
    public Intensity? Intensity { get; init; }
    public VocalChannel? VocalChannel { get; init; }

    /// <summary>The filter of a sweep's data section (actors, emotions).</summary>
    public static CatalogFilter From(DataConfig data) => new()
    {
        Actors = ActorSelection.Parse(data.Actors),
        Emotions = data.Emotions,
    };

    public bool Matches(RavdessFileName name) =>
        Actors.Contains(name.Actor)
        && (Emotions.Count == 0 || Emotions.Contains(name.Emotion))
        && (Intensity is null || name.Intensity == Intensity)
        && (VocalChannel is null || name.VocalChannel == VocalChannel);
}
