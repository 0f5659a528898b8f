using System.Globalization;

namespace ApiProxyGateway.Protocols.Http;

/// <summary>
/// What may go into an HTTP/1.1 header line, declared once. A value must not hold CR, LF, NUL or any other control
/// character (a horizontal tab is allowed, as in RFC 9110 field values): one of them would end the line and start
/// another header, or a second request. An identity carried in a header (a user, a group, a UID, an extra value) is
/// held to more: no control character at all and no white space at either end, which every HTTP server trims, so the
/// receiver reads exactly the identity that was authorized. Go servers, kube-apiserver among them, refuse such values.
/// </summary>
public static class HeaderText
{
    /// <summary>Null when <paramref name="value"/> may be written as a header value; otherwise what is wrong with it.</summary>
    public static string? ValueProblem(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsControl(value[i]) && value[i] != '\t')
            {
                return ControlCharacter(value[i], i);
            }
        }

        return null;
    }

    /// <summary>Null when <paramref name="name"/> is an HTTP token (RFC 9110 tchar); otherwise what is wrong with it.</summary>
    public static string? NameProblem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return "is empty";
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                return char.IsControl(c) ? ControlCharacter(c, i) : $"contains '{c}' at position {i}, which a header name cannot hold";
            }
        }

        return null;
    }

    /// <summary>Null when <paramref name="value"/> can travel in a header and arrive unchanged; otherwise what is wrong with it.</summary>
    public static string? IdentityProblem(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsControl(value[i]))
            {
                return ControlCharacter(value[i], i);
            }
        }

        return value.Length > 0 && (value[0] == ' ' || value[^1] == ' ')
            ? "begins or ends with a space, which HTTP servers remove from header values"
            : null;
    }

    private static string ControlCharacter(char c, int position) =>
        string.Create(CultureInfo.InvariantCulture, $"contains the control character U+{(int)c:X4} at position {position}");
}
