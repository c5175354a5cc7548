using System.Globalization;
using System.Net;
using System.Net.Sockets;
using WPAI.Abstractions.Hosting;

namespace WPAI.Client;

/// <summary>Parses gateway addresses written as <c>host:port</c>, <c>[v6]:port</c> or a bare host.</summary>
public static class GatewayEndpoint
{
    /// <summary>Parses and resolves one gateway; on failure <paramref name="error"/> says why and how to write it.</summary>
    public static bool TryParse(string? text, out IPEndPoint? endpoint, out string error)
    {
        endpoint = null;
        error = string.Empty;
        var value = text?.Trim() ?? string.Empty;
        if (value.Length == 0)
        {
            error = "gateway is empty; write host:port, e.g. 127.0.0.1:30000";
            return false;
        }

        string host;
        string? portText;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"gateway '{value}' opens '[' without closing ']'; write an IPv6 gateway as [::1]:30000";
                return false;
            }

            host = value[1..close];
            var rest = value[(close + 1)..];
            portText = rest.Length == 0 ? null : rest.StartsWith(':') ? rest[1..] : rest;
        }
        else
        {
            var colon = value.LastIndexOf(':');
            if (colon >= 0 && value.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                error = $"gateway '{value}' looks like a bare IPv6 address; write it in brackets with a port, e.g. [::1]:30000";
                return false;
            }

            host = colon < 0 ? value : value[..colon];
            portText = colon < 0 ? null : value[(colon + 1)..];
        }

        var port = WpaiCluster.DefaultGatewayPort;
        if (portText is not null
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port < 1 || port > 65535))
        {
            error = $"gateway '{value}' has port '{portText}', which is not a number from 1 to 65535; write host:port, e.g. 127.0.0.1:30000";
            return false;
        }

        if (host.Length == 0)
        {
            error = $"gateway '{value}' has no host; write host:port, e.g. 127.0.0.1:30000";
            return false;
        }

        if (IPAddress.TryParse(host, out var address))
        {
            endpoint = new IPEndPoint(address, port);
            return true;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            endpoint = new IPEndPoint(IPAddress.Loopback, port);
            return true;
        }

        try
        {
            var addresses = Dns.GetHostAddresses(host);
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            if (chosen is null)
            {
                error = $"gateway host '{host}' resolves to no address; use an IP address or a resolvable name";
                return false;
            }

            endpoint = new IPEndPoint(chosen, port);
            return true;
        }
        catch (SocketException ex)
        {
            error = $"gateway host '{host}' cannot be resolved ({ex.Message}); use an IP address or a resolvable name";
            return false;
        }
    }

    /// <summary>Parses every gateway or throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public static IPEndPoint[] ParseAll(IEnumerable<string> gateways)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (var gateway in gateways)
        {
            if (!TryParse(gateway, out var endpoint, out var error))
            {
                throw new ArgumentException(error, nameof(gateways));
            }

            endpoints.Add(endpoint!);
        }

        return [.. endpoints];
    }
}
