namespace SerSweep.Storage.Entities;

/// <summary>The coordinator's latest view of one silo (for the dashboard's cluster page).</summary>
public sealed class SiloSnapshot
{
    /// <summary>Orleans silo address, e.g. "127.0.0.1:11111@123456".</summary>
    public required string Address { get; set; }
    public required string Name { get; set; }
    public required string Role { get; set; }
    public int Slots { get; set; }
    public int ThreadsPerTrial { get; set; }
    public int RunningTrials { get; set; }
    /// <summary>Membership status (Active, Dead, ...).</summary>
    public required string Status { get; set; }
    public double? CpuPercent { get; set; }
    public long? MemoryBytes { get; set; }
    public DateTime UpdatedAt { get; set; }
}
