using SerSweep.Core;

namespace SerSweep.Training;

/// <summary>The predicted emotion and the probability of every class of the model.</summary>
public sealed record Prediction(Emotion Emotion, IReadOnlyDictionary<Emotion, double> Probabilities);
