using System.Net;
using System.Net.Sockets;

namespace Sequences.Infrastructure.Engine;

/// <summary><c>Webhooks:*</c>. A sequence's webhook URL is typed by a tenant's user: without a guard it could make
/// the server call its own admin ports, the database, the cloud metadata service or anything on the private network.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Allow loopback, private, link-local and metadata addresses (a receiver on the same network). Off by default.</summary>
    public bool AllowPrivate { get; set; }
}

public sealed class WebhookRefusedException(string message) : Exception(message);

/// <summary>
/// Connects webhook requests only to public addresses. The check runs when the socket connects, on every address the
/// host resolves to, and the connection goes to exactly the addresses checked: a DNS answer that changes between a
/// check and the request (rebinding) or a redirect to an internal host cannot get around it.
/// </summary>
public static class WebhookAddressGuard
{
    public static SocketsHttpHandler CreateHandler(Func<bool> allowPrivate) => new()
    {
        // A redirect is answered by the receiver, not followed: the tenant configured one URL.
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            if (addresses.Length == 0) throw new WebhookRefusedException($"{host} does not resolve to any address.");
            if (!allowPrivate() && addresses.FirstOrDefault(a => !IsPublic(a)) is { } refused)
                throw new WebhookRefusedException(
                    $"{host} resolves to {refused}, a loopback, private, link-local or metadata address; set Webhooks:AllowPrivate to allow it.");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>True for globally routable unicast addresses; false for everything a server should not be made to call.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => IsPublicV6(address),
            _ => false,
        };
    }

    private static bool IsPublicV4(byte[] b) => !(
        b[0] == 0 ||                                   // "this network"
        b[0] == 10 ||                                  // private
        b[0] == 127 ||                                 // loopback
        (b[0] == 100 && b[1] >= 64 && b[1] <= 127) ||  // carrier-grade NAT
        (b[0] == 169 && b[1] == 254) ||                // link-local, cloud metadata (169.254.169.254)
        (b[0] == 172 && b[1] >= 16 && b[1] <= 31) ||   // private
        (b[0] == 192 && b[1] == 0 && b[2] == 0) ||     // IETF protocol assignments
        (b[0] == 192 && b[1] == 0 && b[2] == 2) ||     // documentation
        (b[0] == 192 && b[1] == 168) ||                // private
        (b[0] == 198 && (b[1] == 18 || b[1] == 19)) || // benchmarking
        (b[0] == 198 && b[1] == 51 && b[2] == 100) ||  // documentation
        (b[0] == 203 && b[1] == 0 && b[2] == 113) ||   // documentation
        b[0] >= 224);                                  // multicast, reserved, broadcast

    private static bool IsPublicV6(IPAddress address)
    {
        if (IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6None.Equals(address)) return false;
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast) return false;
        var b = address.GetAddressBytes();
        if ((b[0] & 0xFE) == 0xFC) return false;                           // unique local fc00::/7 (incl. fd00:ec2::254 metadata)
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return false; // documentation 2001:db8::/32
        // NAT64 (64:ff9b::/96), 6to4 (2002::/16) and Teredo (2001::/32) embed an IPv4 address: judge that one.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B) return IsPublicV4(b[12..16]);
        if (b[0] == 0x20 && b[1] == 0x02) return IsPublicV4(b[2..6]);
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00) return false;
        return true;
    }
}
