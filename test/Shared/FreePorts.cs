using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace WPAI.Tests.Shared;

public static class FreePorts
{
    private const int LowestPort = 20000;

    /// <summary>
    /// Distinct loopback ports that were free a moment ago, picked at random below the kernel's ephemeral range
    /// (<c>/proc/sys/net/ipv4/ip_local_port_range</c>): a port the OS hands out itself is also the source port of the next
    /// outgoing connection any process opens, so on a busy machine it could be taken between this check and the silo's
    /// bind ("address already in use"); a port below the range is only ever taken by a process that binds it by number.
    /// Falls back to OS-chosen ports where the range is unknown or too low.
    /// </summary>
    public static int[] Take(int count)
    {
        var below = EphemeralRangeStart();
        if (below - LowestPort < 1000)
        {
            return OsChosen(count);
        }

        var ports = new List<int>(count);
        for (var attempt = 0; ports.Count < count && attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(LowestPort, below);
            if (!ports.Contains(port) && IsFree(port))
            {
                ports.Add(port);
            }
        }

        return ports.Count == count ? [.. ports] : OsChosen(count);
    }

    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        if (!File.Exists(range))
        {
            return 0;
        }

        var first = File.ReadAllText(range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return int.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out var start) ? start : 0;
    }

    private static bool IsFree(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static int[] OsChosen(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}
