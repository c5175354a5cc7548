using System.Globalization;
using System.Text;
using WPAI.Simulation.Mixing;

namespace WPAI.Simulation.Tests.Mixing;

/// <summary>Hand-made files for the combined simulation: a small fleet, short training pods, and a load with quiet nights.</summary>
internal static class MixingFixtures
{
    /// <summary>Pool T4: four 2-GPU nodes (two start online); pool P100: one 2-GPU node (stays Fixed).</summary>
    public static string Nodes(TempDir dir) => dir.File("nodes.csv", string.Join('\n',
        "sn,cpu_milli,memory_mib,gpu,model",
        "t4-a,32000,131072,2,T4",
        "t4-b,32000,131072,2,T4",
        "t4-c,32000,131072,2,T4",
        "t4-d,32000,131072,2,T4",
        "p100-a,32000,131072,2,P100") + "\n");

    /// <summary>60 one-GPU T4 pods, one every 40 minutes of trace time: 20–70 minutes each, the last eight 4 hours.</summary>
    public static string Pods(TempDir dir)
    {
        var sb = new StringBuilder("name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n");
        for (var i = 0; i < 60; i++)
        {
            var created = 1000 + (i * 2400);
            var duration = i >= 52 ? 14_400 : 1200 + ((i * 7 % 6) * 600);
            sb.Append(CultureInfo.InvariantCulture, $"pod-{i:D3},4000,16384,1,1000,T4,BE,Succeeded,{created},{created + duration},{created}\n");
        }

        return dir.File("pods.csv", sb.ToString());
    }

    /// <summary><see cref="Nodes"/> plus four 32-core CPU-only nodes (the cpu pool: two start online, two Fixed).</summary>
    public static string NodesWithCpu(TempDir dir) => dir.File("nodes-cpu.csv", string.Join('\n',
        "sn,cpu_milli,memory_mib,gpu,model",
        "t4-a,32000,131072,2,T4",
        "t4-b,32000,131072,2,T4",
        "t4-c,32000,131072,2,T4",
        "t4-d,32000,131072,2,T4",
        "p100-a,32000,131072,2,P100",
        "cpu-a,32000,131072,0,",
        "cpu-b,32000,131072,0,",
        "cpu-c,32000,131072,0,",
        "cpu-d,32000,131072,0,") + "\n");

    /// <summary><see cref="Pods"/> plus as many 8-core CPU-only pods on the same times and durations (the last eight 4 hours).</summary>
    public static string PodsWithCpu(TempDir dir)
    {
        var sb = new StringBuilder(File.ReadAllText(Pods(dir)));
        for (var i = 0; i < 60; i++)
        {
            var created = 1000 + (i * 2400);
            var duration = i >= 52 ? 14_400 : 1200 + ((i * 7 % 6) * 600);
            sb.Append(CultureInfo.InvariantCulture, $"cpu-pod-{i:D3},8000,16384,0,0,,BE,Succeeded,{created},{created + duration},{created}\n");
        }

        return dir.File("pods-cpu.csv", sb.ToString());
    }

    /// <summary>Two weeks from Thursday 2015-01-01 at 30-minute steps: 100 from 08:00 to 22:00, 5 at night.</summary>
    public static string Load(TempDir dir, string name = "load.csv")
    {
        var sb = new StringBuilder("timestamp,value\n");
        var start = new DateTime(2015, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var t = start; t < start.AddDays(14); t = t.AddMinutes(30))
        {
            var value = t.Hour is >= 8 and < 22 ? 100 : 5;
            sb.Append(CultureInfo.InvariantCulture, $"{t:yyyy-MM-dd HH:mm:ss},{value}\n");
        }

        return dir.File(name, sb.ToString());
    }

    /// <summary>The options of the hand-made scenario: the whole fleet, offered load 0.5, 12 h warm-up, 6 h drain.</summary>
    public static MixingSimulationOptions Options(TempDir dir) => new()
    {
        Nodes = Nodes(dir),
        Pods = Pods(dir),
        LoadFiles = [Load(dir)],
        FleetScale = 1,
        OfferedLoad = 0.5,
        WarmUp = TimeSpan.FromHours(12),
        Drain = TimeSpan.FromHours(6),
        Out = Path.Combine(dir.Path, "out"),
    };
}
