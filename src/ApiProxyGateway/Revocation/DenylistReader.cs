using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ApiProxyGateway.Revocation;

/// <summary>
/// Reads the client-certificate denylist: one entry a line, blank lines and lines starting with <c>#</c> ignored.
/// <list type="bullet">
/// <item><c>[sha256:]HEX</c>: a certificate's SHA-256 thumbprint, 64 hex digits, colons allowed.</item>
/// <item><c>serial=HEX issuer=NAME</c>: a serial number (hex, colons allowed, as <c>openssl x509 -serial</c> prints
/// it) and its issuer, a CA of the client-CA bundle named by its subject (see <see cref="IssuerNames"/>) or by its own
/// thumbprint (<c>issuer=sha256:HEX</c>).</item>
/// </list>
/// Every issuer is resolved to CAs of the bundle here, so that a certificate is then matched on exact bytes; an entry
/// that is malformed or names no CA refuses the whole file, naming its line.
/// </summary>
internal static class DenylistReader
{
    /// <summary>The largest denylist read: some 50,000 thumbprints.</summary>
    public const int MaxFileBytes = 4 * 1024 * 1024;

    private const int MostErrorsReported = 10;
    private const string Sha256Prefix = "sha256:";
    private const string SerialPrefix = "serial=";
    private const string IssuerPrefix = "issuer=";

    public static Denylist Read(string path, X509Certificate2Collection authorities)
    {
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(BoundedFile.Read(path, MaxFileBytes));
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"denylist '{path}' is not UTF-8 text", e);
        }

        return Parse(path, text, authorities);
    }

    /// <summary>Throws <see cref="InvalidDataException"/> listing the bad lines (the first <see cref="MostErrorsReported"/>).</summary>
    public static Denylist Parse(string path, string text, X509Certificate2Collection authorities)
    {
        var thumbprints = new Dictionary<string, int>(StringComparer.Ordinal);
        var issuerSerials = new Dictionary<string, int>(StringComparer.Ordinal);
        var errors = new List<string>();
        var lines = text.TrimStart('\uFEFF').Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index].Trim();
            var number = index + 1;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var problem = line.StartsWith(SerialPrefix, StringComparison.OrdinalIgnoreCase)
                ? AddIssuerSerial(line, number, authorities, issuerSerials)
                : AddThumbprint(line, number, thumbprints);
            if (problem is not null)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"line {number}: {problem}"));
            }
        }

        if (errors.Count > 0)
        {
            var more = errors.Count > MostErrorsReported ? $"; and {errors.Count - MostErrorsReported} more" : "";
            throw new InvalidDataException($"denylist '{path}': {string.Join("; ", errors.Take(MostErrorsReported))}{more}");
        }

        return new Denylist(path, thumbprints.ToFrozenDictionary(StringComparer.Ordinal), issuerSerials.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>A SHA-256 thumbprint in the form certificates are compared in (uppercase hex), or null.</summary>
    public static string? Thumbprint(string text)
    {
        var digits = (text.StartsWith(Sha256Prefix, StringComparison.OrdinalIgnoreCase) ? text[Sha256Prefix.Length..] : text).Replace(":", "", StringComparison.Ordinal);
        return digits.Length == 64 && digits.All(char.IsAsciiHexDigit) ? digits.ToUpperInvariant() : null;
    }

    private static string? AddThumbprint(string line, int number, Dictionary<string, int> thumbprints)
    {
        if (Thumbprint(line) is not { } thumbprint)
        {
            return $"'{Shorten(line)}' is neither a SHA-256 thumbprint (64 hex digits, colons allowed, optionally after 'sha256:') nor 'serial=HEX issuer=NAME'";
        }

        thumbprints.TryAdd(thumbprint, number);
        return null;
    }

    private static string? AddIssuerSerial(string line, int number, X509Certificate2Collection authorities, Dictionary<string, int> issuerSerials)
    {
        var rest = line[SerialPrefix.Length..];
        var space = rest.IndexOfAny([' ', '\t']);
        var issuerText = space < 0 ? "" : rest[space..].TrimStart();
        if (space < 0 || !issuerText.StartsWith(IssuerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return "an issuer and serial entry reads 'serial=HEX issuer=NAME'";
        }

        if (SerialNumbers.TryFromText(rest[..space]) is not { } serial)
        {
            return $"serial '{Shorten(rest[..space])}' is not a hex number";
        }

        var name = issuerText[IssuerPrefix.Length..].Trim();
        IReadOnlyList<X509Certificate2> issuers = Thumbprint(name) is { } caThumbprint && name.StartsWith(Sha256Prefix, StringComparison.OrdinalIgnoreCase)
            ? [.. authorities.Where(authority => authority.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256) == caThumbprint)]
            : IssuerNames.Resolve(name, authorities);
        if (issuers.Count == 0)
        {
            return $"issuer '{Shorten(name)}' is not a CA of the client-CA bundle";
        }

        foreach (var issuer in issuers)
        {
            issuerSerials.TryAdd(Denylist.IssuerSerialKey(issuer.SubjectName.RawData, serial), number);
        }

        return null;
    }

    /// <summary>What of a bad line an error quotes: enough to find it, never a whole line of garbage.</summary>
    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
