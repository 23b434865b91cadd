using SerSweep.Core;

namespace SerSweep.Training.Evaluation;

/// <summary>Precision, recall and F1 of one class; support = items of that class in the truth.</summary>
public sealed record ClassMetrics(Emotion Emotion, double Precision, double Recall, double F1, int Support);
