using Google.Protobuf;
using Onnx;

namespace SerSweep.Training.Onnx;

/// <summary>
/// A small builder of one ONNX graph (default domain, float tensors): initializers, nodes with fresh output names,
/// the graph's input and outputs, then the serialised <see cref="ModelProto"/>.
/// </summary>
internal sealed class OnnxGraph(string name)
{
    private readonly GraphProto graph = new() { Name = name };
    private int counter;

    public string Initializer(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.Add(dims);
        graph.Initializer.Add(tensor);
        return name;
    }

    public string Int64Initializer(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.Add(values);
        graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a node of <paramref name="op"/>; returns its (only) output's name, <paramref name="output"/> or a fresh one.</summary>
    public string Node(string op, string[] inputs, AttributeProto[]? attributes = null, string? output = null)
    {
        output ??= $"{op.ToLowerInvariant()}_{counter}";
        var node = new NodeProto { OpType = op, Name = $"{op}_{counter++}" };
        node.Input.Add(inputs);
        node.Output.Add(output);
        if (attributes is not null) node.Attribute.Add(attributes);
        graph.Node.Add(node);
        return output;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>A float tensor input or output; a null dimension is the symbolic batch size.</summary>
    public void Input(string name, params long?[] dims) => graph.Input.Add(ValueInfo(name, dims));

    public void Output(string name, params long?[] dims) => graph.Output.Add(ValueInfo(name, dims));

    private static ValueInfoProto ValueInfo(string name, long?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
            shape.Dim.Add(dim is { } value ? new TensorShapeProto.Types.Dimension { DimValue = value } : new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    public byte[] ToModel(int opset, string producerVersion, string docString)
    {
        var model = new ModelProto
        {
            // IR version 8 is the one of opset 17 (ONNX 1.12).
            IrVersion = 8, ProducerName = "SerSweep", ProducerVersion = producerVersion, DocString = docString, Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model.ToByteArray();
    }
}
