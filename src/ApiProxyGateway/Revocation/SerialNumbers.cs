using System.Globalization;

namespace ApiProxyGateway.Revocation;

/// <summary>
/// Serial numbers in one comparable form: uppercase hex without leading zeros. A certificate gives the bytes of its
/// DER INTEGER, a CRL a number and a denylist what <c>openssl x509 -serial</c> prints; all three meet here.
/// </summary>
internal static class SerialNumbers
{
    /// <summary>From big-endian bytes (a certificate's serial; negative serials never get this far).</summary>
    public static string FromBytes(ReadOnlySpan<byte> bigEndian) => FromHex(Convert.ToHexString(bigEndian));

    /// <summary>From hex digits, colons allowed; null when it is not hex.</summary>
    public static string? TryFromText(string text)
    {
        var digits = text.Replace(":", "", StringComparison.Ordinal);
        return digits.Length > 0 && digits.Length <= 128 && digits.All(char.IsAsciiHexDigit) ? FromHex(digits) : null;
    }

    private static string FromHex(string digits)
    {
        var trimmed = digits.TrimStart('0').ToUpper(CultureInfo.InvariantCulture);
        return trimmed.Length == 0 ? "0" : trimmed;
    }
}
