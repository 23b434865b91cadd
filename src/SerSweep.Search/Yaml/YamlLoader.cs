using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SerSweep.Search.Yaml;

/// <summary>
/// Loads one YAML document into <see cref="YamlNode"/>s from YamlDotNet's event stream, guarding the
/// cluster against hostile files: aliases are counted by the size they expand to (billion laughs),
/// nesting depth is bounded, keys must be scalars and unique. Iterative, so no input can overflow the stack.
/// </summary>
public static class YamlLoader
{
    /// <summary>The document's root, or null when it cannot be read on (a syntax error, a limit); recoverable problems are added to <paramref name="errors"/> either way.</summary>
    public static YamlNode? Load(string text, string file, SweepLimits limits, List<SweepError> errors)
    {
        var builder = new Builder(file, limits, errors);
        var scanner = new Scanner(new StringReader(text));
        var parser = new Parser(scanner);
        while (true)
        {
            try
            {
                if (!parser.MoveNext()) return builder.Root;
            }
            catch (YamlException e)
            {
                errors.Add(SyntaxError(file, ToPosition(e.Start), YamlMessage(e)));
                return null;
            }
            // YamlDotNet also throws other exceptions on some malformed text (an unclosed flow sequence followed by a
            // key: InvalidOperationException in Scanner.ScanPlainScalar). Bad text is the user's mistake, never a crash:
            // whatever the reader throws is reported where the scanner stopped (only the reader's own call is guarded).
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                errors.Add(SyntaxError(file, ToPosition(scanner.CurrentPosition), "cannot read on from here: is a '[' or '{' above left open, or a character out of place?"));
                return null;
            }
            if (!builder.Accept(parser.Current!)) return null;
        }
    }

    private static SweepError SyntaxError(string file, SourcePosition position, string message) =>
        new(file, position, $"YAML syntax error: {message}",
            "check the indentation and the ':' / '-' at this line; close every '[' and '{'; quote values containing ':' or '#'");

    internal static SourcePosition ToPosition(Mark mark) => new((int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

    // YamlDotNet prefixes its messages with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the position is reported separately.
    private static string YamlMessage(YamlException e)
    {
        var message = e.Message;
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return (cut >= 0 && message.StartsWith("(Line", StringComparison.Ordinal) ? message[(cut + 3)..] : message).Trim();
    }

    private sealed class Builder(string file, SweepLimits limits, List<SweepError> errors)
    {
        private readonly Stack<(YamlNode Node, YamlScalar? PendingKey)> open = new();
        private readonly Dictionary<string, (YamlNode Node, long Size)> anchors = new();
        // Anchors of collections still open: they become usable, with their final size, when the collection closes.
        private readonly Dictionary<YamlNode, string> openAnchors = new(ReferenceEqualityComparer.Instance);
        // Expanded size of each open collection so far; the size of a node counts aliased subtrees every time they appear.
        private readonly Stack<long> sizes = new();
        private long totalSize;
        private int documents;

        public YamlNode? Root { get; private set; }

        public bool Accept(ParsingEvent e)
        {
            switch (e)
            {
                case DocumentStart when ++documents > 1:
                    return Fail(e.Start, "a sweep file holds one YAML document, found a second one", "remove the '---' line and everything after it, or split the file");
                case Scalar scalar:
                    var node = new YamlScalar(ToPosition(e.Start), scalar.Value, scalar.Style == ScalarStyle.Plain);
                    if (!scalar.Anchor.IsEmpty) anchors[scalar.Anchor.Value] = (node, 1);
                    return Attach(node, 1);
                case AnchorAlias alias:
                    if (!anchors.TryGetValue(alias.Value.Value, out var target))
                        return Fail(e.Start, $"unknown alias '*{alias.Value.Value}'", "define the anchor '&name' before using '*name'");
                    return Count(ToPosition(e.Start), target.Size) && Attach(target.Node, target.Size, alreadyCounted: true);
                case SequenceStart start:
                    return Open(new YamlSequence(ToPosition(e.Start)), start.Anchor);
                case MappingStart start:
                    return Open(new YamlMapping(ToPosition(e.Start)), start.Anchor);
                case SequenceEnd or MappingEnd:
                    var (closed, _) = open.Pop();
                    var size = sizes.Pop();
                    if (openAnchors.Remove(closed, out var name)) anchors[name] = (closed, size);
                    return Attach(closed, size, alreadyCounted: true);
            }
            return true;
        }

        private bool Open(YamlNode node, AnchorName anchor)
        {
            if (open.Count >= limits.MaxDepth)
                return Fail(node.Position, $"nesting deeper than {limits.MaxDepth} levels", "a sweep file needs only a few levels: flatten this structure");
            if (!anchor.IsEmpty) openAnchors[node] = anchor.Value;
            open.Push((node, null));
            sizes.Push(1);
            return Count(node.Position, 1);
        }

        private bool Attach(YamlNode node, long size, bool alreadyCounted = false)
        {
            if (!alreadyCounted && !Count(node.Position, size)) return false;
            if (open.Count == 0)
            {
                Root = node;
                return true;
            }
            var (parent, pendingKey) = open.Pop();
            sizes.Push(sizes.Pop() + size);
            switch (parent)
            {
                case YamlSequence sequence:
                    sequence.Items.Add(node);
                    open.Push((parent, null));
                    return true;
                case YamlMapping when pendingKey is null:
                    open.Push((parent, node as YamlScalar));
                    return node is YamlScalar || Fail(node.Position, $"a key must be a plain name, found {node.Describe()}", "write 'name: value'");
                case YamlMapping mapping:
                    // A repeated key is reported and its value dropped; reading goes on so that later mistakes are reported too.
                    if (mapping.Entries.Any(entry => entry.Key.Value == pendingKey.Value))
                        errors.Add(new SweepError(file, pendingKey.Position, $"duplicate key '{pendingKey.Value}'", "each key may appear once in a mapping: remove or merge the repeated one"));
                    else
                        mapping.Entries.Add(new(pendingKey, node));
                    open.Push((parent, null));
                    return true;
            }
            return true;
        }

        private bool Count(SourcePosition position, long size)
        {
            totalSize += size;
            if (totalSize <= limits.MaxYamlNodes) return true;
            return Fail(position, $"the document expands to more than {limits.MaxYamlNodes} YAML nodes (aliases are counted each time they are used)",
                "a sweep file needs no large anchor/alias structures: write the values out");
        }

        private bool Fail(Mark mark, string message, string hint) => Fail(ToPosition(mark), message, hint);

        private bool Fail(SourcePosition position, string message, string hint)
        {
            errors.Add(new SweepError(file, position, message, hint));
            return false;
        }
    }
}
