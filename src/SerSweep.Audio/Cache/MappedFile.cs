using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace SerSweep.Audio.Cache;

/// <summary>
/// A whole file mapped read-only into memory, so that a loaded feature set is a view of the page cache rather than a
/// copy in fresh arrays (on a host that touches fresh memory slowly, that copy was the larger half of a reload). The
/// mapping is unmapped when <see cref="Dispose"/> is called or, for the views handed out by <see cref="Floats"/>, when
/// neither this object nor any of those views is reachable any more (the view handle's finalizer): a feature set is
/// shared by concurrent trials, so the garbage collector, not one owner, knows when the last one is done with it.
/// </summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile file;
    private readonly MemoryMappedViewAccessor view;
    // Not AcquirePointer: that adds a reference only an explicit release drops, and the finalizer would then never unmap.
    private readonly byte* start;

    private MappedFile(FileStream stream)
    {
        Length = stream.Length;
        file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        start = (byte*)view.SafeMemoryMappedViewHandle.DangerousGetHandle() + view.PointerOffset;
    }

    /// <summary>Maps the whole of <paramref name="stream"/> (not empty); the stream belongs to the mapping from here on.</summary>
    public static MappedFile Open(FileStream stream) => new(stream);

    public long Length { get; }

    public ReadOnlySpan<byte> Bytes(long offset, long length)
    {
        ObjectDisposedException.ThrowIf(view.SafeMemoryMappedViewHandle.IsClosed, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + length, Length);
        return new ReadOnlySpan<byte>(start + offset, checked((int)length));
    }

    /// <summary>A view of <paramref name="count"/> float32 values from <paramref name="offset"/> (4-byte aligned) that keeps this mapping alive.</summary>
    public ReadOnlyMemory<float> Floats(long offset, long count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + 4 * count, Length);
        if (offset % sizeof(float) != 0) throw new ArgumentException($"offset {offset} is not float-aligned", nameof(offset));
        return new FloatView(this, offset, checked((int)count)).Memory;
    }

    public void Dispose()
    {
        view.Dispose();
        file.Dispose();
    }

    private sealed class FloatView(MappedFile mapped, long offset, int count) : MemoryManager<float>
    {
        private float* First => (float*)(mapped.start + offset);

        public override Span<float> GetSpan()
        {
            ObjectDisposedException.ThrowIf(mapped.view.SafeMemoryMappedViewHandle.IsClosed, mapped);
            return new Span<float>(First, count);
        }

        public override MemoryHandle Pin(int elementIndex = 0) => new(First + elementIndex, pinnable: this);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
