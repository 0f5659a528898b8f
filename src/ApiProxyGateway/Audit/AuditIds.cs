using System.Security.Cryptography;

namespace ApiProxyGateway.Audit;

/// <summary>
/// Audit IDs as kube-apiserver makes them (a random UUID, version 4, in its usual text form), from random bytes drawn
/// 64 IDs at a time per thread: <see cref="Guid.NewGuid"/> asks the OS for 16 bytes on every call, which was the
/// largest single cost of auditing a request.
/// </summary>
internal static class AuditIds
{
    private const int IdsPerDraw = 64;

    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_used;

    public static string New()
    {
        var random = t_random;
        if (random is null || t_used == random.Length)
        {
            // Kept for the thread only once filled: a fill that throws leaves nothing (zeros) to hand out.
            random ??= new byte[IdsPerDraw * 16];
            RandomNumberGenerator.Fill(random);
            t_random = random;
            t_used = 0;
        }

        Span<byte> bytes = stackalloc byte[16];
        random.AsSpan(t_used, 16).CopyTo(bytes);
        t_used += 16;
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
