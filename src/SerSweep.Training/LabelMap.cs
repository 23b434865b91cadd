using SerSweep.Core;

namespace SerSweep.Training;

/// <summary>Class index i of a model is <c>Classes[i]</c>: the configured emotions in code order, or all eight.</summary>
public static class LabelMap
{
    public static Emotion[] For(DataConfig data) =>
        data.Emotions.Count > 0 ? data.Emotions.Distinct().Order().ToArray() : Emotions.All.ToArray();

    public static int[] Indices(IReadOnlyList<Emotion> classes, IReadOnlyList<Emotion> labels, IReadOnlyList<string> files)
    {
        var index = classes.Select((e, i) => (e, i)).ToDictionary(p => p.e, p => p.i);
        var result = new int[labels.Count];
        for (var n = 0; n < labels.Count; n++)
            result[n] = index.TryGetValue(labels[n], out var i)
                ? i
                : throw new ArgumentException($"{files[n]}: emotion {labels[n].Name()} is not among the model's classes ({string.Join(", ", classes.Select(c => c.Name()))})");
        return result;
    }
}
