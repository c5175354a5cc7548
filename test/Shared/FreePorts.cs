using System.Net;
using System.Net.Sockets;

namespace WPAI.Tests.Shared;

public static class FreePorts
{
    /// <summary>Distinct loopback ports that were free a moment ago (the OS picks them, so parallel runs do not collide).</summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}
