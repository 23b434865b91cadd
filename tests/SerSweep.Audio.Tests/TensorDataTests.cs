using SerSweep.Audio.Torch;
using static TorchSharp.torch;

namespace SerSweep.Audio.Tests;

public class TensorDataTests
{
    [Fact]
    public void Floats_go_in_and_come_out_in_row_major_order()
    {
        float[] values = [1, 2, 3, 4, 5, 6];

        using var t = TensorData.FromFloats(values, 2, 3);

        Assert.Equal([2L, 3L], t.shape);
        Assert.Equal(6f, t[1, 2].item<float>());
        Assert.Equal(values, TensorData.ToArray<float>(t));
    }

    [Fact]
    public void A_strided_view_is_read_in_its_logical_order()
    {
        using var t = TensorData.FromFloats([1, 2, 3, 4, 5, 6], 2, 3);
        using var transposed = t.t();
        using var row = t.narrow(0, 1, 1);

        Assert.Equal([1f, 4, 2, 5, 3, 6], TensorData.ToArray<float>(transposed));
        Assert.Equal([4f, 5, 6], TensorData.ToArray<float>(row)); // contiguous, at a storage offset
    }

    [Fact]
    public void Longs_are_read_as_longs()
    {
        using var t = tensor(new long[] { 7, -1, 1L << 40 });

        Assert.Equal([7L, -1, 1L << 40], TensorData.ToArray<long>(t));
    }

    [Fact]
    public void Mismatched_sizes_and_types_are_refused()
    {
        using var ints = tensor(new long[] { 1, 2 });

        var fill = Assert.Throws<ArgumentException>(() => TensorData.FromFloats([1, 2, 3], 2, 2));
        Assert.Contains("3 values do not fill a tensor of shape [2, 2]", fill.Message);
        Assert.Contains("Int64", Assert.Throws<ArgumentException>(() => TensorData.ToArray<float>(ints)).Message);
        Assert.Throws<ArgumentException>(() => TensorData.CopyTo(ints, new long[3]));
    }
}
