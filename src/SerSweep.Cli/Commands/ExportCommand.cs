using System.CommandLine;
using Microsoft.EntityFrameworkCore.Infrastructure;
using SerSweep.Dashboard.Data;
using SerSweep.Storage;
using SerSweep.Training;
using SerSweep.Training.Bundles;
using SerSweep.Training.Onnx;

namespace SerSweep.Cli.Commands;

/// <summary>
/// `sersweep export`: the best model bundle of a sweep, from the database; with <c>--format onnx</c>, that bundle or a given
/// BUNDLE file as an ONNX graph plus its JSON (<see cref="OnnxExport"/>).
/// </summary>
public static class ExportCommand
{
    private const string BundleFormat = "bundle", OnnxFormat = "onnx";

    public sealed record OnnxExported(string Bundle, string Path, string Metadata, string Sha256, long Bytes, int Opset);

    public static Command Create()
    {
        var bundleArgument = new Argument<string?>("BUNDLE") { Description = "A model bundle (.zip) to export as ONNX instead of a sweep's best.", Arity = ArgumentArity.ZeroOrOne };
        var db = new Option<string>("--db") { Description = "The SQLite database of the cluster.", DefaultValueFactory = _ => "artifacts/sersweep.db" };
        var sweepOption = new Option<string?>("--sweep") { Description = "Sweep id, or name (its newest version); default: the newest sweep." };
        var format = new Option<string>("--format") { Description = "bundle (the .zip) or onnx (an ONNX graph + its .json beside it).", DefaultValueFactory = _ => BundleFormat };
        format.AcceptOnlyFromAmong(BundleFormat, OnnxFormat);
        var output = new Option<string?>("--out", "--output") { Description = "Where to write; default artifacts/best-NAME-vVERSION.zip (.onnx) beside the database, or BUNDLE with .onnx." };
        var json = new Option<bool>("--json") { Description = "Print the export as JSON." };
        var trialOption = new Option<long?>("--trial") { Description = "Trial id: that trial's bundle instead of the best (a multi-objective sweep needs it: its best is a front)." };
        var command = new Command("export", "Copy the best model bundle of a sweep (by its objective) out of the artifacts, checked against its SHA-256; or write a bundle as ONNX.")
        {
            bundleArgument, db, sweepOption, format, output, json, trialOption,
        };
        command.SetAction(async parse =>
        {
            var onnx = parse.GetValue(format) == OnnxFormat;
            if (parse.GetValue(bundleArgument) is { } bundlePath)
            {
                if (!onnx) throw new UserInputException("BUNDLE is already a bundle: add --format onnx to write it as ONNX");
                if (parse.GetResult(db) is { Implicit: false } || parse.GetResult(sweepOption) is not null)
                    throw new UserInputException("--db and --sweep choose a sweep's best bundle: give them or BUNDLE, not both");
                return WriteOnnx(bundlePath, parse.GetValue(output) ?? Path.ChangeExtension(bundlePath, ".onnx"), parse.GetValue(json));
            }

            var path = parse.GetValue(db)!;
            if (!File.Exists(path)) throw new UserInputException($"--db: no database at {path}");
            var queries = StoredSweeps.Open(path);
            var wanted = parse.GetValue(sweepOption);
            var summary = await StoredSweeps.FindAsync(queries, wanted);
            if (summary is null) throw new UserInputException(wanted is null ? $"{path} holds no sweep" : $"--sweep: no sweep '{wanted}' in {path}");
            var sweep = (await queries.GetSweepAsync(summary.Id))!;
            var defaultPath = BestBundle.DefaultPath(Path.GetDirectoryName(Path.GetFullPath(path))!, sweep);
            var destination = onnx ? defaultPath : parse.GetValue(output) ?? defaultPath;
            var trialId = parse.GetValue(trialOption);
            if (trialId is null && (await SweepFront.OfAsync(queries, sweep))?.Members is { } front)
                throw new UserInputException($"sweep {sweep.Id} ({sweep.Name} v{sweep.Version}) has several objectives: its best is a Pareto front of "
                    + (front.Count == 0 ? "no trial yet" : $"trial ids {string.Join(", ", front.Select(m => $"{m.TrialId} (#{m.Index}: {string.Join(", ", m.Values.Select(v => $"{v.Key} {v.Value:0.####}"))})"))}")
                    + "; choose one with --trial ID");
            var exported = await BestBundle.ExportAsync(queries, sweep, destination, trialId);
            if (exported is null)
            {
                Console.Error.WriteLine(trialId is { } chosenTrial
                    ? $"error: sweep {sweep.Id} has no trial {chosenTrial} with a model bundle"
                    : $"error: sweep {sweep.Id} ({sweep.Name} v{sweep.Version}) has no trial with a model bundle yet");
                return ExitCodes.RunFailed;
            }
            if (onnx) return WriteOnnx(exported.Path, parse.GetValue(output) ?? Path.ChangeExtension(exported.Path, ".onnx"), parse.GetValue(json));
            if (parse.GetValue(json)) JsonOutput.Write(exported);
            else Console.WriteLine($"{(trialId is null ? "best" : "chosen")} of {exported.Sweep} v{exported.Version}: trial {exported.TrialIndex} ({exported.Objective} {exported.Value:0.####}) -> {exported.Path}\nsha256 {exported.Sha256}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A bundle that is not one, or a model the export cannot map, is bad input (exit 2) with the reason.</summary>
    private static int WriteOnnx(string bundlePath, string onnxPath, bool json)
    {
        OnnxExport.Written written;
        try
        {
            written = OnnxExport.Write(ModelBundle.Load(bundlePath), onnxPath);
        }
        catch (Exception e) when (e is BundleFormatException or FileNotFoundException or OnnxExportException)
        {
            throw new UserInputException(e is OnnxExportException ? $"{bundlePath} cannot be exported as ONNX: {e.Message}" : e.Message);
        }
        var result = new OnnxExported(Path.GetFullPath(bundlePath), written.Path, written.MetadataPath, written.Sha256, written.Bytes, written.Opset);
        if (json) JsonOutput.Write(result);
        else Console.WriteLine($"{result.Bundle} -> {result.Path} (ONNX opset {result.Opset}, {result.Bytes} bytes) + {result.Metadata}\nsha256 {result.Sha256}");
        return ExitCodes.Ok;
    }
}
