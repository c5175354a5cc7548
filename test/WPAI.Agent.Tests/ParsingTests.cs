using WPAI.Agent.Measuring;

namespace WPAI.Agent.Tests;

/// <summary>Pure parsing of what the agent reads: nvidia-smi's CSV (recorded output) and /proc/PID/stat lines.</summary>
public sealed class ParsingTests
{
    [Fact]
    public void ParseDevices_ReadsIndexNameAndMemory()
    {
        var devices = NvidiaSmi.ParseDevices("0, NVIDIA H100 80GB HBM3, 81559 MiB\n1, NVIDIA H100 80GB HBM3, 81559 MiB\n");

        Assert.Equal([new GpuDevice(0, "NVIDIA H100 80GB HBM3", 81559), new GpuDevice(1, "NVIDIA H100 80GB HBM3", 81559)], devices);
    }

    [Fact]
    public void ParseUsage_ReadsUtilizationAsFraction_AndNotAvailableAsZero()
    {
        var readings = NvidiaSmi.ParseUsage("0, 87, 40960\n1, [N/A], 0\n");

        Assert.Equal([new GpuReading(0, 0.87, 40960), new GpuReading(1, 0, 0)], readings);
    }

    [Fact]
    public void ParseUsage_RejectsARowWithMissingFields()
    {
        Assert.Throws<FormatException>(() => NvidiaSmi.ParseUsage("0, 87\n"));
    }

    [Fact]
    public void ParseStat_ReadsFieldsAfterACommandNameWithSpacesAndParentheses()
    {
        var line = "4242 (my (odd) cmd) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 1 0 123456 1000000 512 18446744073709551615";

        var stat = ProcessTable.Parse(line)!;

        Assert.Equal(('S', 4242, 250L, 50L, 7L, 3L, 123456L, 512L), (stat.State, stat.ProcessGroup, stat.UserTicks, stat.SystemTicks, stat.ChildUserTicks, stat.ChildSystemTicks, stat.StartTicks, stat.RssPages));
        Assert.Equal(310, stat.CpuTicks);
    }
}
