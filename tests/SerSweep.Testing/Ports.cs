using System.Net;
using System.Net.Sockets;

namespace SerSweep.Testing;

/// <summary>Ports chosen at run time, so that tests never collide with each other or with what else runs here.</summary>
public static class Ports
{
    /// <summary>A loopback TCP port that was free a moment ago (the OS picks it; the caller binds it soon after).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
