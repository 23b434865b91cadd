using SerSweep.Core;
using SerSweep.Training.Evaluation;
using Spectre.Console;

namespace SerSweep.Cli.Output;

/// <summary>Human-readable form of a <see cref="ClassificationReport"/> on stdout: summary line, per-class table, confusion matrix.</summary>
public static class ClassificationReportText
{
    public static string Summary(ClassificationReport r) =>
        $"accuracy {r.Accuracy:P1}  macro-F1 {r.MacroF1:0.000}  UAR {r.Uar:0.000}  weighted-F1 {r.WeightedF1:0.000}  ({r.Count} items" +
        (r.Loss is { } loss ? $", loss {loss:0.000})" : ")");

    public static void Write(string title, ClassificationReport r)
    {
        var console = AnsiConsole.Console;
        Console.WriteLine($"{title}: {Summary(r)}");
        var perClass = new Table().AddColumns("emotion", "precision", "recall", "F1", "support");
        foreach (var c in r.PerClass)
            perClass.AddRow(c.Emotion.Name(), $"{c.Precision:0.000}", $"{c.Recall:0.000}", $"{c.F1:0.000}", $"{c.Support}");
        console.Write(perClass);
        var confusion = new Table().AddColumn("true \\ predicted");
        foreach (var e in r.Classes) confusion.AddColumn(Abbreviation(e));
        for (var i = 0; i < r.Classes.Count; i++)
            confusion.AddRow([r.Classes[i].Name(), .. r.ConfusionMatrix[i].Select(n => n.ToString())]);
        console.Write(confusion);
        Console.WriteLine("per-actor accuracy: " + string.Join("  ", r.PerActorAccuracy.Select(a => $"{a.Key}: {a.Value:P0}")));
    }

    private static string Abbreviation(Emotion e) => e.Name()[..3];
}
