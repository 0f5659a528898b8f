using System.Text;
using ApiProxyGateway.Protocols.Kubernetes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace ApiProxyGateway.Requests;

/// <summary>
/// The query as kube-apiserver reads it: Go's <c>url.ParseQuery</c>, which ASP.NET Core's parser is not. Go compares
/// names exactly (<c>Watch</c> is not <c>watch</c>), drops a pair holding <c>;</c> or a bad <c>%</c> escape, and
/// turns <c>+</c> into a space in names and values. Reading <c>?Watch=0&amp;watch=1</c> with ASP.NET Core's
/// case-insensitive query says "list" where the API server serves a watch, so the gateway parses the query once, as
/// Go does, and every later <c>Request.Query</c> read sees that parse (<see cref="Feature"/>). A name or value whose
/// bytes are not UTF-8 (Go keeps the raw bytes, .NET strings cannot), or that holds an unescaped character outside
/// printable ASCII, is refused rather than guessed.
/// </summary>
internal static class GoQuery
{
    /// <summary>
    /// Go's <c>url.ParseQuery</c> (since the GODEBUG <c>urlmaxqueryparams</c> fix) refuses a query of more pieces than
    /// this, and kube-apiserver, which ignores that error, then reads no parameter at all; an older API server reads
    /// them all. A query that long means two different requests to two API servers, so it is refused.
    /// </summary>
    public const int MaxParameters = 10_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A parameter's first value, as kube-apiserver reads a single-valued option; null when absent.</summary>
    public static string? First(IQueryCollection query, string name)
    {
        ArgumentNullException.ThrowIfNull(query);
        var values = query[name];
        return values.Count == 0 ? null : values[0];
    }

    /// <summary>A boolean parameter, read as kube-apiserver reads it (<see cref="ParameterCodec.Bool"/> on its first value).</summary>
    public static bool Bool(IQueryCollection query, string name) => ParameterCodec.Bool(First(query, name));

    /// <summary>Parses a raw query (with or without its leading <c>?</c>); null with a reason if it cannot be read unambiguously.</summary>
    public static Dictionary<string, StringValues>? Parse(string? rawQuery, out string? refusal)
    {
        refusal = null;
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var rest = (rawQuery ?? "").AsSpan();
        if (rest.StartsWith("?"))
        {
            rest = rest[1..];
        }

        if (rest.Count('&') + 1 > MaxParameters)
        {
            refusal = $"the query has more than {MaxParameters} parameters";
            return null;
        }

        while (!rest.IsEmpty)
        {
            var amp = rest.IndexOf('&');
            var pair = amp < 0 ? rest : rest[..amp];
            rest = amp < 0 ? [] : rest[(amp + 1)..];
            if (pair.IsEmpty || pair.Contains(';'))
            {
                continue; // Go: an empty pair is skipped, one with ';' is an error that drops only that pair
            }

            var equals = pair.IndexOf('=');
            var rawName = equals < 0 ? pair : pair[..equals];
            var rawValue = equals < 0 ? [] : pair[(equals + 1)..];
            if (!TryUnescape(rawName, out var name, out var bad) || !TryUnescape(rawValue, out var value, out bad))
            {
                if (bad)
                {
                    refusal = "the query holds a parameter that is not UTF-8 once unescaped, or a character that must be percent-encoded";
                    return null;
                }

                continue; // Go: a bad escape drops the pair
            }

            if (!values.TryGetValue(name, out var list))
            {
                values[name] = list = [];
            }

            list.Add(value);
        }

        var parsed = new Dictionary<string, StringValues>(values.Count, StringComparer.Ordinal);
        foreach (var (name, list) in values)
        {
            parsed[name] = list.Count == 1 ? new StringValues(list[0]) : new StringValues([.. list]);
        }

        return parsed;
    }

    /// <summary><c>url.QueryUnescape</c>: <c>%XX</c> with two hex digits, <c>+</c> as space; <paramref name="notUtf8"/> when the bytes are not UTF-8 or a character is not printable ASCII.</summary>
    private static bool TryUnescape(ReadOnlySpan<char> raw, out string text, out bool notUtf8)
    {
        notUtf8 = false;
        if (raw.IndexOfAny('%', '+') < 0 && !raw.ContainsAnyExceptInRange((char)0x21, (char)0x7e))
        {
            text = raw.ToString();
            return true;
        }

        var bytes = new byte[raw.Length];
        var length = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '%')
            {
                if (i + 2 >= raw.Length || !char.IsAsciiHexDigit(raw[i + 1]) || !char.IsAsciiHexDigit(raw[i + 2]))
                {
                    text = "";
                    return false;
                }

                bytes[length++] = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                i += 2;
            }
            else if (c == '+')
            {
                bytes[length++] = (byte)' ';
            }
            else if (c is > ' ' and < '\u007f')
            {
                bytes[length++] = (byte)c;
            }
            else
            {
                text = ""; // a client's URL library escapes these; raw, their bytes are anyone's guess
                notUtf8 = true;
                return false;
            }
        }

        try
        {
            text = StrictUtf8.GetString(bytes, 0, length);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            notUtf8 = true;
            return false;
        }
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    /// <summary>Serves <c>Request.Query</c> from the Go-style parse; the raw query string the gateway forwards is untouched.</summary>
    internal sealed class Feature(Dictionary<string, StringValues> parsed) : IQueryFeature
    {
        private IQueryCollection query = new QueryCollection(parsed);

        public IQueryCollection Query
        {
            get => query;
            set => query = value;
        }
    }
}
